; Inno Setup script for the Windows installer (run by scripts/build_installer.sh when iscc is on PATH).
; Installs the one-folder build dist\SoundDiary per user (no admin rights needed).
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B1C2E0A-5D1F-4C3B-9E2A-50D1A7D1A2B7}
AppName=Sound Diary
AppVersion={#AppVersion}
AppPublisher=Sound Diary contributors
DefaultDirName={localappdata}\Programs\SoundDiary
DefaultGroupName=Sound Diary
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=SoundDiary-{#AppVersion}-setup
SetupIconFile=..\resources\icons\sound_diary.ico
Compression=lzma2/max
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\dist\SoundDiary\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Sound Diary"; Filename: "{app}\SoundDiary.exe"
Name: "{autodesktop}\Sound Diary"; Filename: "{app}\SoundDiary.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop icon"; Flags: unchecked

[Run]
Filename: "{app}\SoundDiary.exe"; Description: "Start Sound Diary"; Flags: nowait postinstall skipifsilent
