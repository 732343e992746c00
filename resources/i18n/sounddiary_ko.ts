<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
  <context>
    <name>AnalysisOptions</name>
    <message>
      <location filename="../../diary_app/ui/options/analysis.py" line="13" />
      <source>Analysis</source>
      <translation>분석</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/analysis.py" line="23" />
      <source>Below this confidence a place is 'unclassified' (the paper uses 0.70).</source>
      <translation>신뢰도가 이 값보다 낮으면 장소를 '미분류'로 봅니다 (논문 기준 0.70).</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/analysis.py" line="25" />
      <source>Scene confidence threshold</source>
      <translation>장소 신뢰도 기준값</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/analysis.py" line="27" />
      <source>Remind me every day</source>
      <translation>매일 알림 받기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/analysis.py" line="41" />
      <source>Daily reminder</source>
      <translation>매일 알림</translation>
    </message>
  </context>
  <context>
    <name>AppearanceOptions</name>
    <message>
      <location filename="../../diary_app/ui/options/appearance.py" line="13" />
      <source>Appearance</source>
      <translation>화면</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/appearance.py" line="24" />
      <source>Language</source>
      <translation>언어</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/appearance.py" line="25" />
      <source>The new language applies after a restart.</source>
      <translation>바뀐 언어는 다시 시작한 뒤에 적용됩니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/appearance.py" line="32" />
      <source>Follow the system</source>
      <translation>시스템 설정 따르기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/appearance.py" line="32" />
      <source>Light</source>
      <translation>밝게</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/appearance.py" line="32" />
      <source>Dark</source>
      <translation>어둡게</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/appearance.py" line="38" />
      <source>Theme</source>
      <translation>테마</translation>
    </message>
  </context>
  <context>
    <name>AudioPlayer</name>
    <message>
      <location filename="../../diary_app/ui/audio_player.py" line="51" />
      <location filename="../../diary_app/ui/audio_player.py" line="89" />
      <location filename="../../diary_app/ui/audio_player.py" line="192" />
      <source>▶ Play</source>
      <translation>▶ 재생</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/audio_player.py" line="188" />
      <source>⏸ Pause</source>
      <translation>⏸ 일시정지</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/audio_player.py" line="190" />
      <source>Loading…</source>
      <translation>불러오는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/audio_player.py" line="208" />
      <source>Could not play: {0}</source>
      <translation>재생할 수 없습니다: {0}</translation>
    </message>
  </context>
  <context>
    <name>BackupBox</name>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="50" />
      <location filename="../../diary_app/ui/pages/backup.py" line="248" />
      <source>Backup</source>
      <extracomment>interval in days -&gt; label; "weekly" is the default a job finished: (kind, message) with kind in exported/imported/backed-up/failed</extracomment>
      <translation>백업</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="57" />
      <source>An export is one zip file with every recording (FLAC), all entries as JSON and a spreadsheet (CSV). Import merges an export into this diary by entry id.</source>
      <translation>내보내기는 모든 녹음(FLAC), 모든 기록(JSON), 스프레드시트(CSV)를 담은 zip 파일 하나입니다. 가져오기는 내보낸 파일을 기록 ID 기준으로 이 일기에 합칩니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="61" />
      <source>Export…</source>
      <translation>내보내기…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="64" />
      <source>Import…</source>
      <translation>가져오기…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="71" />
      <source>Whole diary</source>
      <translation>일기 전체</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="73" />
      <source>Back up automatically</source>
      <translation>자동으로 백업</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="79" />
      <source>every day</source>
      <translation>매일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="79" />
      <source>every week</source>
      <translation>매주</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="79" />
      <source>every month</source>
      <translation>매월</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="83" />
      <source>every {0} days</source>
      <translation>{0}일마다</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="91" />
      <source>keep </source>
      <translation>보관 </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="98" />
      <source>Automatic backups</source>
      <translation>자동 백업</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="103" />
      <source>Choose folder…</source>
      <translation>폴더 선택…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="106" />
      <source>Back up now</source>
      <translation>지금 백업</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="111" />
      <location filename="../../diary_app/ui/pages/backup.py" line="160" />
      <source>Backup folder</source>
      <translation>백업 폴더</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="117" />
      <source>Choose a folder on another disk or a synced folder: a backup on the same disk does not survive a lost disk.</source>
      <translation>다른 디스크나 동기화되는 폴더를 고르세요. 같은 디스크에 있는 백업은 디스크를 잃으면 함께 사라집니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="154" />
      <source>No backup yet.</source>
      <translation>아직 백업이 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="156" />
      <source>Last backup: {0}</source>
      <translation>마지막 백업: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="171" />
      <source>Export the diary</source>
      <translation>일기 내보내기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="171" />
      <location filename="../../diary_app/ui/pages/backup.py" line="179" />
      <source>Zip files (*.zip)</source>
      <translation>Zip 파일 (*.zip)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="178" />
      <source>Import a diary export</source>
      <translation>내보낸 일기 가져오기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="186" />
      <source>Exporting…</source>
      <translation>내보내는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="191" />
      <source>Checking and importing…</source>
      <translation>확인하고 가져오는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="196" />
      <source>Backing up…</source>
      <translation>백업하는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="227" />
      <source>Import done. New entries added: {0}; already in the diary and kept as they are: {1}.</source>
      <translation>가져오기 완료. 새로 추가한 기록: {0}개, 이미 있어 그대로 둔 기록: {1}개.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="230" />
      <source>Entries in the file without a recording, not imported: {0}.</source>
      <translation>녹음이 없어 가져오지 않은 기록: {0}개.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="233" />
      <source>Saved to {2} (entries: {0}, {1:.1f} MB).</source>
      <translation>{2}에 저장했습니다 (기록 {0}개, {1:.1f} MB).</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="235" />
      <source>Entries without a recording on disk: {0}.</source>
      <translation>디스크에 녹음이 없는 기록: {0}개.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="284" />
      <source>Backup saved to {1} (entries: {0})</source>
      <translation>{1}에 백업했습니다 (기록 {0}개)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="242" />
      <source>Not imported: {0}. The diary was not changed.</source>
      <translation>가져오지 못했습니다: {0}. 일기는 바뀌지 않았습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="244" />
      <source>Failed: {0}</source>
      <translation>실패: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/backup.py" line="291" />
      <source>Automatic backup to {0} failed: {1}</source>
      <translation>{0}(으)로 자동 백업하지 못했습니다: {1}</translation>
    </message>
  </context>
  <context>
    <name>CalendarView</name>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/calendar_view.py" line="139" />
      <source>{0}: %n entries</source>
      <translation>
        <numerusform>{0}: 기록 %n개</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>DiaryPage</name>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="87" />
      <source>List</source>
      <extracomment>emitted after every view finished refreshing from a diary change (tests wait on it)</extracomment>
      <translation>목록</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="88" />
      <source>Calendar</source>
      <translation>달력</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="89" />
      <source>Year</source>
      <translation>한 해</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="90" />
      <source>Map</source>
      <translation>지도</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="91" />
      <source>Statistics</source>
      <translation>통계</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="189" />
      <source>Entry deleted.</source>
      <translation>기록을 삭제했습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="202" />
      <source>Could not undo: {0}</source>
      <translation>되돌리지 못했습니다: {0}</translation>
    </message>
  </context>
  <context>
    <name>DiaryProblemDialog</name>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="26" />
      <source>Your diary's database is damaged: it no longer holds a database.</source>
      <translation>일기 데이터베이스가 손상되었습니다. 더 이상 데이터베이스가 아닙니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="27" />
      <source>Your diary's database has been replaced by a text file.</source>
      <translation>일기 데이터베이스가 텍스트 파일로 바뀌었습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="28" />
      <source>Your diary's database is incomplete (it was only partly written).</source>
      <translation>일기 데이터베이스가 불완전합니다(일부만 기록되었습니다).</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="29" />
      <source>Your diary's database is damaged.</source>
      <translation>일기 데이터베이스가 손상되었습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="30" />
      <source>Your diary is on a disk or in a folder that cannot be written.</source>
      <translation>일기가 쓰기할 수 없는 디스크나 폴더에 있습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="31" />
      <source>This diary was written by a newer Sound Diary. Update the app to open it.</source>
      <translation>이 일기는 더 새로운 버전의 Sound Diary로 저장되었습니다. 열려면 앱을 업데이트하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="32" />
      <source>Your diary's database cannot be read.</source>
      <translation>일기 데이터베이스를 읽을 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="38" />
      <source>Open the last good backup</source>
      <translation>마지막 정상 백업 열기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="40" />
      <source>Rebuild from the recordings</source>
      <translation>녹음에서 다시 만들기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="42" />
      <source>Open read-only</source>
      <translation>읽기 전용으로 열기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="43" />
      <source>Quit</source>
      <translation>종료</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="50" />
      <source>• Open the last good backup: {0}; recordings made since come back from their audio.</source>
      <translation>• 마지막 정상 백업 열기: {0}. 그 이후의 녹음은 오디오에서 되살아납니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="53" />
      <source>• Rebuild from the recordings: a new diary is made from the {0} recording(s) in the audio folder, with their notes, tags and places.</source>
      <translation>• 녹음에서 다시 만들기: 오디오 폴더의 녹음 {0}개로 메모, 태그, 장소까지 포함한 새 일기를 만듭니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="56" />
      <source>• Open read-only: look at and play what can be read; nothing can be saved.</source>
      <translation>• 읽기 전용으로 열기: 읽을 수 있는 것을 보고 재생할 수 있지만 저장은 할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="58" />
      <source>Nothing is deleted: the damaged file is kept beside it as "diary.sqlite3.damaged-…".</source>
      <translation>아무것도 삭제되지 않습니다. 손상된 파일은 옆에 "diary.sqlite3.damaged-…"로 보관됩니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="116" />
      <source>The diary could not be opened.</source>
      <translation>일기를 열 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="125" />
      <source>That did not work: {0}</source>
      <translation>실패했습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="142" />
      <source>{0} entry(ies) lost their recording: the audio file was deleted outside Sound Diary ({1}{2}). Their notes and tags are kept, but they cannot be played.</source>
      <translation>기록 {0}개의 녹음이 없어졌습니다. 오디오 파일이 Sound Diary 밖에서 삭제되었습니다({1}{2}). 메모와 태그는 남아 있지만 재생할 수는 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/startup.py" line="146" />
      <source>{0} recording(s) without a diary entry were added back ({1} with their notes and tags).</source>
      <translation>일기 기록이 없던 녹음 {0}개를 다시 추가했습니다(메모와 태그 포함 {1}개).</translation>
    </message>
  </context>
  <context>
    <name>EntryDelegate</name>
    <message>
      <location filename="../../diary_app/ui/browse/list_view.py" line="55" />
      <source>auto: {0}</source>
      <translation>자동: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/list_view.py" line="56" />
      <source>tagged by hand</source>
      <translation>직접 태그함</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/list_view.py" line="61" />
      <source>public</source>
      <translation>공개</translation>
    </message>
  </context>
  <context>
    <name>EntryDetail</name>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="89" />
      <source>◀ Back</source>
      <extracomment>the answers of the unsaved-changes question the detail deleted an entry and kept it restorable: the page offers Undo (``Diary.restore``)</extracomment>
      <translation>◀ 뒤로</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="111" />
      <source>seconds</source>
      <translation>초</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="129" />
      <source>Use the automatic tag</source>
      <translation>자동 태그 사용</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="135" />
      <source>A note about this moment</source>
      <translation>이 순간에 대한 메모</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="137" />
      <source>Public (friends may see it)</source>
      <translation>공개 (친구가 볼 수 있음)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="142" />
      <source>No place</source>
      <translation>장소 없음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="144" />
      <source>Save changes</source>
      <translation>변경 내용 저장</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="147" />
      <source>Save the changes (Ctrl+S)</source>
      <translation>변경 내용 저장 (Ctrl+S)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="148" />
      <source>Delete…</source>
      <translation>삭제…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="150" />
      <source>Delete this entry (Delete)</source>
      <translation>이 기록 삭제 (Delete)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="153" />
      <source>Delete entry</source>
      <translation>기록 삭제</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="154" />
      <source>Delete this entry and its recording? You can undo this for a few seconds.</source>
      <translation>이 기록과 녹음을 삭제할까요? 몇 초 동안은 되돌릴 수 있습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="157" />
      <source>Delete</source>
      <translation>삭제</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="166" />
      <source>Back to the list (Esc, Alt+Left)</source>
      <extracomment>asks Save / Discard / Cancel; replaceable (tests, or a page that must not block)</extracomment>
      <translation>목록으로 돌아가기 (Esc, Alt+←)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="177" />
      <source>Recorded</source>
      <translation>녹음 시각</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="178" />
      <source>Analysis</source>
      <translation>분석</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="182" />
      <source>Emotion</source>
      <translation>감정</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="183" />
      <source>Note</source>
      <translation>메모</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="190" />
      <source>Place</source>
      <translation>장소</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="224" />
      <source>This entry no longer exists.</source>
      <translation>이 기록은 더 이상 존재하지 않습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="267" />
      <source>Unsaved changes</source>
      <translation>저장하지 않은 변경 내용</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="268" />
      <source>This entry has changes that are not saved. Save them?</source>
      <translation>이 기록에 저장하지 않은 변경 내용이 있습니다. 저장할까요?</translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="284" />
      <source>♥ %n likes from friends</source>
      <translation>
        <numerusform>♥ 친구들의 좋아요 %n개</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="304" />
      <source>speech</source>
      <translation>음성</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="305" />
      <source>environment: {0}</source>
      <translation>주변 소리: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="307" />
      <source>automatic: {0} {1} ({2} sure, {3})</source>
      <translation>자동: {0} {1} (확신도 {2}, {3})</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="309" />
      <source>no automatic tag ({0})</source>
      <translation>자동 태그 없음 ({0})</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="311" />
      <source>shown: {0} (corrected by hand)</source>
      <translation>표시: {0} (직접 수정함)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="325" />
      <source>no place saved</source>
      <translation>저장된 장소 없음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="339" />
      <source>The recording is missing: {0}</source>
      <translation>녹음 파일이 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="342" />
      <source>Loading the waveform…</source>
      <translation>파형을 불러오는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="352" />
      <source>Cannot read the recording: {0}</source>
      <translation>녹음을 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="399" />
      <source>Not saved: {0}</source>
      <translation>저장하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="403" />
      <source>Saved.</source>
      <translation>저장했습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/entry_detail.py" line="427" />
      <source>Not deleted: {0}</source>
      <translation>삭제되지 않음: {0}</translation>
    </message>
  </context>
  <context>
    <name>EntryListView</name>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/list_view.py" line="108" />
      <source>%n entries match the filter</source>
      <translation>
        <numerusform>필터에 맞는 기록 %n개</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/list_view.py" line="110" />
      <source>%n entries, newest first</source>
      <translation>
        <numerusform>기록 %n개, 최신순</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>EvidenceView</name>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="138" />
      <source>Why this tag</source>
      <translation>이 태그의 이유</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="176" />
      <source>No analysis yet.</source>
      <translation>아직 분석하지 않았습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="193" />
      <source>speech emotion (the voice)</source>
      <translation>음성 감정 (목소리)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="193" />
      <source>the surroundings (no speech)</source>
      <translation>주변 소리 (말소리 없음)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="195" />
      <source>Branch: {0}</source>
      <translation>분석 경로: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="203" />
      <source>speech {0:.0%} of {1:.1f} s</source>
      <translation>말소리 {0:.0%} ({1:.1f}초 중)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="206" />
      <source>Speech-detection cues: {0}</source>
      <translation>말소리 감지 단서: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="216" />
      <source>Scene: {0} ({1:.0%}; threshold {2:.0%})</source>
      <translation>장면: {0} ({1:.0%}, 기준 {2:.0%})</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="220" />
      <source>table row {0} → {1}</source>
      <translation>표의 행 {0} → {1}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="226" />
      <source>your row for {0}: {1} correction(s)</source>
      <translation>{0}에 대한 내 행: 수정 {1}개</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="230" />
      <source>Background ({0:.1f} s without speech): {1}, {2:.0%}</source>
      <translation>배경 (말소리 없는 {0:.1f}초): {1}, {2:.0%}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="239" />
      <source>Personal layer: off (Settings)</source>
      <translation>개인 맞춤: 꺼짐 (설정)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="243" />
      <source>Personal layer: {0} (the global model said {1} {2}, {3:.0%})</source>
      <translation>개인 맞춤: {0} (기본 모델의 판단은 {1} {2}, {3:.0%})</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="248" />
      <source>Personal layer: learning from your {0} correction(s); it agrees with the global model here</source>
      <translation>개인 맞춤: 내가 고친 태그 {0}개에서 배우는 중이며, 여기서는 기본 모델과 같은 판단입니다</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="251" />
      <source>Personal layer: no change</source>
      <translation>개인 맞춤: 변경 없음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="260" />
      <source>too few corrections yet to check it on ones it did not learn from</source>
      <translation>학습에 쓰지 않은 교정으로 확인하기에는 아직 교정이 적습니다</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="261" />
      <source>checked on {0} of your corrections it did not learn from: it agreed with {1:.0%} of them, the global model with {2:.0%}; its weight {3:.0%}</source>
      <translation>학습에 쓰지 않은 교정 {0}개로 확인: 개인 모델은 {1:.0%}, 전체 모델은 {2:.0%} 일치; 반영 비중 {3:.0%}</translation>
    </message>
  </context>
  <context>
    <name>FeedItem</name>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="96" />
      <source>(you)</source>
      <translation>(나)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="112" />
      <source>at {0}</source>
      <translation>{0}에서</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="115" />
      <location filename="../../diary_app/ui/social/widgets.py" line="138" />
      <source>▶ Play</source>
      <translation>▶ 재생</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="138" />
      <source>Loading…</source>
      <translation>불러오는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="138" />
      <source>■ Stop</source>
      <translation>■ 정지</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="143" />
      <source>Like</source>
      <translation>좋아요</translation>
    </message>
  </context>
  <context>
    <name>FeedPage</name>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="30" />
      <source>the feed</source>
      <translation>피드</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="45" />
      <location filename="../../diary_app/ui/pages/feed.py" line="145" />
      <source>Everyone</source>
      <translation>모두</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="47" />
      <source>Refresh</source>
      <translation>새로고침</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="52" />
      <source>&lt;h2&gt;Feed&lt;/h2&gt;</source>
      <translation>&lt;h2&gt;피드&lt;/h2&gt;</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="54" />
      <source>Show</source>
      <translation>보기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="61" />
      <source>Show older entries</source>
      <translation>이전 기록 더 보기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="65" />
      <source>Nothing shared yet. Mark an entry public on the Record or Diary page, or add friends.</source>
      <translation>아직 공유된 기록이 없습니다. 녹음 또는 다이어리 페이지에서 기록을 공개로 설정하거나 친구를 추가하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="104" />
      <source>Loading…</source>
      <translation>불러오는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="134" />
      <source>Could not load the feed: {0}</source>
      <translation>피드를 불러올 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="147" />
      <source>Me ({0})</source>
      <translation>나 ({0})</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="171" />
      <source>Could not change the like: {0}</source>
      <translation>좋아요를 바꿀 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="184" />
      <source>Downloading…</source>
      <translation>내려받는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/feed.py" line="205" />
      <source>Could not play: {0}</source>
      <translation>재생할 수 없습니다: {0}</translation>
    </message>
  </context>
  <context>
    <name>FilterBar</name>
    <message>
      <location filename="../../diary_app/ui/browse/filters.py" line="77" />
      <source>Show only {0} entries (several may be chosen)</source>
      <translation>{0} 기록만 보기 (여러 개 선택 가능)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/filters.py" line="89" />
      <source>From</source>
      <translation>시작</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/filters.py" line="98" />
      <source>to</source>
      <translation>~</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/filters.py" line="109" />
      <source>Search notes and places (Ctrl+F)</source>
      <translation>메모와 장소 검색 (Ctrl+F)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/filters.py" line="115" />
      <source>Clear</source>
      <translation>지우기</translation>
    </message>
  </context>
  <context>
    <name>FirstRunDialog</name>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="24" />
      <source>Welcome to Sound Diary</source>
      <translation>사운드 다이어리에 오신 것을 환영합니다</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="29" />
      <source>&lt;h2&gt;Welcome to Sound Diary&lt;/h2&gt;&lt;p&gt;Record today's sound — your voice or the place around you. Sound Diary tags each recording with an emotion on this computer; you can correct the tag, add a note, and later find entries by emotion, on a calendar and on a map.&lt;/p&gt;&lt;p&gt;Recordings stay on this computer. Only entries you mark as public are shared, and only with friends who accepted you.&lt;/p&gt;</source>
      <translation>&lt;h2&gt;사운드 다이어리에 오신 것을 환영합니다&lt;/h2&gt;&lt;p&gt;오늘의 소리를 녹음하세요 — 당신의 목소리나 주변의 소리를요. 사운드 다이어리는 이 컴퓨터에서 각 녹음에 감정 태그를 붙입니다. 태그를 고치고 메모를 남길 수 있으며, 나중에 감정별로, 달력에서, 지도에서 기록을 찾을 수 있습니다.&lt;/p&gt;&lt;p&gt;녹음은 이 컴퓨터에만 저장됩니다. 공개로 표시한 기록만, 서로 친구를 수락한 사람에게만 공유됩니다.&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="40" />
      <source>Your permission</source>
      <translation>권한 동의</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="42" />
      <source>Use the microphone to record diary entries</source>
      <translation>다이어리 기록을 위해 마이크 사용</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="45" />
      <source>Offer to save where an entry was recorded (you choose per entry)</source>
      <translation>기록한 장소 저장 제안 (기록마다 직접 선택)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="52" />
      <source>Microphone</source>
      <translation>마이크</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="54" />
      <source>Not checked yet.</source>
      <translation>아직 확인하지 않았습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="57" />
      <source>Check again</source>
      <translation>다시 확인</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="64" />
      <source>Analysis models</source>
      <translation>분석 모델</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="74" />
      <source>Start</source>
      <translation>시작하기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="85" />
      <source>Could not read the installed models: {0}</source>
      <translation>설치된 모델을 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="87" />
      <source>none installed</source>
      <translation>설치된 모델 없음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="88" />
      <source>Speech emotion: {0}&lt;br&gt;Places and sounds: {1}</source>
      <translation>음성 감정: {0}&lt;br&gt;장소와 소리: {1}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="93" />
      <source>Without a model, recordings are saved but not tagged. Add one in Settings.</source>
      <translation>모델이 없으면 녹음은 저장되지만 태그가 붙지 않습니다. 설정에서 모델을 추가하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="98" />
      <source>Checking the microphone…</source>
      <translation>마이크를 확인하는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="109" />
      <source>Microphone found: {0} (level {1:.0f} dBFS).</source>
      <translation>마이크를 찾았습니다: {0} (레벨 {1:.0f} dBFS).</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="111" />
      <source>No microphone was found. You can still browse your diary; connect one to record.</source>
      <translation>마이크를 찾을 수 없습니다. 다이어리는 계속 볼 수 있으며, 녹음하려면 마이크를 연결하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/first_run.py" line="113" />
      <source>The microphone could not be opened: {0}</source>
      <translation>마이크를 열 수 없습니다: {0}</translation>
    </message>
  </context>
  <context>
    <name>FriendsPage</name>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="51" />
      <source>friends</source>
      <translation>친구</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="54" />
      <source>Search by username or name</source>
      <translation>사용자 이름이나 이름으로 검색</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="56" />
      <source>Search</source>
      <translation>검색</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="62" />
      <source>Search results</source>
      <translation>검색 결과</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="62" />
      <source>Search for someone to send a friend request.</source>
      <translation>친구 요청을 보낼 사람을 검색하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="63" />
      <source>Requests to you</source>
      <translation>받은 요청</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="63" />
      <source>No open requests.</source>
      <translation>받은 요청이 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="64" />
      <source>Your requests</source>
      <translation>보낸 요청</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="64" />
      <source>No requests waiting for an answer.</source>
      <translation>답을 기다리는 요청이 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="65" />
      <source>Friends</source>
      <translation>친구</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="65" />
      <source>No friends yet. Friends see each other's public entries.</source>
      <translation>아직 친구가 없습니다. 친구끼리는 서로의 공개 기록을 볼 수 있습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="72" />
      <source>Sign out</source>
      <translation>로그아웃</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="76" />
      <source>&lt;h2&gt;Friends&lt;/h2&gt;</source>
      <translation>&lt;h2&gt;친구&lt;/h2&gt;</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="100" />
      <source>Signed in as {0} (@{1}) on {2}</source>
      <translation>{2}에 {0} (@{1})(으)로 로그인됨</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="117" />
      <source>Accept</source>
      <translation>수락</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="117" />
      <source>You are now friends with {0}.</source>
      <translation>이제 {0}님과 친구입니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="118" />
      <source>Reject</source>
      <translation>거절</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="118" />
      <source>Request rejected.</source>
      <translation>요청을 거절했습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="123" />
      <source>Cancel</source>
      <translation>취소</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="123" />
      <source>Request cancelled.</source>
      <translation>요청을 취소했습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="131" />
      <source>Remove</source>
      <translation>삭제</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="131" />
      <source>{0} is no longer your friend.</source>
      <translation>{0}님은 더 이상 친구가 아닙니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="139" />
      <source>Type part of a username or name.</source>
      <translation>사용자 이름이나 이름의 일부를 입력하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="149" />
      <source>friend</source>
      <translation>친구</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="151" />
      <source>request sent</source>
      <translation>요청 보냄</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="154" />
      <source>Add friend</source>
      <translation>친구 추가</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="154" />
      <source>Request sent to {0}.</source>
      <translation>{0}님에게 요청을 보냈습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/friends.py" line="156" />
      <source>Nobody found.</source>
      <translation>찾은 사람이 없습니다.</translation>
    </message>
  </context>
  <context>
    <name>LocationPicker</name>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="55" />
      <source>Use my location</source>
      <translation>내 위치 사용</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="65" />
      <source>Place name (optional)</source>
      <translation>장소 이름 (선택)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="70" />
      <source>Recent places</source>
      <translation>최근 장소</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="73" />
      <source>Latitude</source>
      <translation>위도</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="75" />
      <source>Longitude</source>
      <translation>경도</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="87" />
      <source>— choose —</source>
      <translation>— 선택 —</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="124" />
      <source>Positioning is not available in this installation.</source>
      <translation>이 설치본에서는 위치 기능을 사용할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="129" />
      <source>This computer offers no position; pick a recent place or enter it.</source>
      <translation>이 컴퓨터는 위치를 제공하지 않습니다. 최근 장소를 고르거나 직접 입력하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="133" />
      <source>The position could not be found; pick a place instead.</source>
      <translation>위치를 찾을 수 없습니다. 대신 장소를 고르세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="134" />
      <source>Finding your position…</source>
      <translation>위치를 찾는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/location_picker.py" line="150" />
      <source>Position found.</source>
      <translation>위치를 찾았습니다.</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="20" />
      <source>Sign in to Sound Diary friends</source>
      <translation>사운드 다이어리 친구 기능에 로그인</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="24" />
      <source>e.g. https://diary.example.org (ask the friend who runs it)</source>
      <translation>예: https://diary.example.org (서버를 운영하는 친구에게 물어보세요)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="28" />
      <source>3–32 characters: a–z, 0–9, _ . -</source>
      <translation>3–32자: a–z, 0–9, _ . -</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="34" />
      <source>Create a new account</source>
      <translation>새 계정 만들기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="45" />
      <source>Server</source>
      <translation>서버</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="46" />
      <source>Username</source>
      <translation>사용자 이름</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="47" />
      <source>Display name</source>
      <translation>표시 이름</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="49" />
      <source>Password</source>
      <translation>비밀번호</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="61" />
      <source>Create account</source>
      <translation>계정 만들기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="61" />
      <source>Sign in</source>
      <translation>로그인</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="65" />
      <source>Enter the address of the friends' server.</source>
      <translation>친구들이 쓰는 서버의 주소를 입력하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="67" />
      <source>The server address must start with http:// or https://.</source>
      <translation>서버 주소는 http:// 또는 https://로 시작해야 합니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="69" />
      <source>Enter your username.</source>
      <translation>사용자 이름을 입력하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="71" />
      <source>The password needs at least 8 characters.</source>
      <translation>비밀번호는 8자 이상이어야 합니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="73" />
      <source>Enter your password.</source>
      <translation>비밀번호를 입력하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="82" />
      <source>Signing in…</source>
      <translation>로그인하는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="106" />
      <source>Too many attempts. Try again in {0} s.</source>
      <translation>시도가 너무 많습니다. {0}초 후에 다시 시도하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="108" />
      <source>Cannot reach the server at {0}. Check the address and your network, and that the server is running.</source>
      <translation>{0} 서버에 연결할 수 없습니다. 주소와 네트워크 연결, 서버가 실행 중인지 확인하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="111" />
      <source>Wrong username or password.</source>
      <translation>사용자 이름 또는 비밀번호가 올바르지 않습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="113" />
      <source>That username is taken. Choose another one.</source>
      <translation>이미 사용 중인 사용자 이름입니다. 다른 이름을 골라 주세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/login_dialog.py" line="115" />
      <source>The server at {0} has a problem right now. Try again later.</source>
      <translation>지금 {0} 서버에 문제가 있습니다. 잠시 후 다시 시도하세요.</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../diary_app/ui/main_window.py" line="28" />
      <source>Record</source>
      <extracomment>key, title, page class (titles marked for lupdate, translated with self.tr at use)</extracomment>
      <translation>녹음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/main_window.py" line="29" />
      <source>Diary</source>
      <translation>다이어리</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/main_window.py" line="30" />
      <source>Feed</source>
      <translation>피드</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/main_window.py" line="31" />
      <source>Friends</source>
      <translation>친구</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/main_window.py" line="32" />
      <location filename="../../diary_app/ui/main_window.py" line="109" />
      <source>Notifications</source>
      <translation>알림</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/main_window.py" line="33" />
      <source>Settings</source>
      <translation>설정</translation>
    </message>
  </context>
  <context>
    <name>MapView</name>
    <message>
      <location filename="../../diary_app/ui/browse/map_view.py" line="88" />
      <source>The map needs QtWebEngine, which is not available: {0}</source>
      <extracomment>above this many points the page goes through a file instead of ``setHtml`` (2 MB limit) emitted with the number of markers each time the page finished drawing a set of points</extracomment>
      <translation>지도를 표시하려면 QtWebEngine이 필요하지만 사용할 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/map_view.py" line="113" />
      <source>Offline: the built-in map shows land, borders and place names; detailed tiles load when online.</source>
      <translation>오프라인: 내장 지도에 육지, 국경, 지명이 표시됩니다. 자세한 지도는 인터넷에 연결되면 불러옵니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/map_view.py" line="149" />
      <source>No entry with a place matches the filter.</source>
      <translation>필터에 맞으면서 장소가 있는 기록이 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/map_view.py" line="150" />
      <source>No entry has a place yet. Turn on “Save location” when you record, or add a place in an entry's detail.</source>
      <translation>아직 장소가 있는 기록이 없습니다. 녹음할 때 “위치 저장”을 켜거나, 기록 상세 화면에서 장소를 추가하세요.</translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/map_view.py" line="173" />
      <source>%n entries on the map</source>
      <translation>
        <numerusform>지도에 기록 %n개</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/map_view.py" line="175" />
      <source>%n entries have no place</source>
      <translation>
        <numerusform>장소가 없는 기록 %n개</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/map_view.py" line="114" />
      <source>Open entry</source>
      <translation>기록 열기</translation>
    </message>
  </context>
  <context>
    <name>ModelManager</name>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="122" />
      <source>Analysis models</source>
      <translation>분석 모델</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="159" />
      <source>Use this model</source>
      <translation>이 모델 사용</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="162" />
      <source>Remove</source>
      <translation>삭제</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="165" />
      <source>Add from folder…</source>
      <translation>폴더에서 추가…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="168" />
      <source>Add from zip…</source>
      <translation>zip 파일에서 추가…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="171" />
      <source>Download from Hugging Face…</source>
      <translation>Hugging Face에서 내려받기…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="196" />
      <source>none installed</source>
      <translation>설치된 모델 없음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="197" />
      <source>Speech model: {0} — Scene model: {1}</source>
      <translation>음성 모델: {0} — 장소 모델: {1}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="221" />
      <source>This model is already in use.</source>
      <translation>이미 사용 중인 모델입니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="223" />
      <source>This folder cannot be read, so it cannot be used.</source>
      <translation>이 폴더를 읽을 수 없어 사용할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="225" />
      <source>Analyse new recordings with the selected model.</source>
      <translation>새 녹음을 선택한 모델로 분석합니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="227" />
      <source>Models that come with Sound Diary cannot be removed.</source>
      <translation>사운드 다이어리에 기본으로 들어 있는 모델은 삭제할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="229" />
      <source>Delete the selected model from this computer.</source>
      <translation>선택한 모델을 이 컴퓨터에서 삭제합니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="231" />
      <source>Select a model to see its model card.</source>
      <translation>모델을 선택하면 모델 카드를 볼 수 있습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="234" />
      <source>This model folder cannot be read: {0}</source>
      <translation>이 모델 폴더를 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="251" />
      <source>Labels</source>
      <translation>레이블</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="255" />
      <source>Label map</source>
      <translation>레이블 대응</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="257" />
      <source>Training data</source>
      <translation>학습 데이터</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="261" />
      <source>Held-out accuracy</source>
      <translation>처음 듣는 데이터에서의 정확도</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="261" />
      <source>{0:.0%}, weighted F1 {1:.2f} ({2} clips)</source>
      <translation>{0:.0%}, 가중 F1 {1:.2f} (클립 {2}개)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="265" />
      <source>Training run</source>
      <translation>학습 기록</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="267" />
      <source>Licence</source>
      <translation>라이선스</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="268" />
      <source>Folder</source>
      <translation>폴더</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="275" />
      <source>{0} training clips</source>
      <translation>학습 클립 {0}개</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="276" />
      <source>trained in {0} s</source>
      <translation>학습 시간 {0}초</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="277" />
      <source>best epoch {0}</source>
      <translation>최고 에포크 {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="278" />
      <source>{0} epochs</source>
      <translation>에포크 {0}회</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="294" />
      <source>Could not save the choice: {0}</source>
      <translation>선택을 저장하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="296" />
      <source>{0} is now the active model.</source>
      <translation>이제 {0} 모델을 사용합니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="304" />
      <source>Remove model</source>
      <translation>모델 삭제</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="305" />
      <source>Delete the model {0} from this computer?</source>
      <translation>이 컴퓨터에서 {0} 모델을 삭제할까요?</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="314" />
      <source>Could not remove {0}: {1}</source>
      <translation>{0}을(를) 삭제하지 못했습니다: {1}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="317" />
      <source>Removed {0}.</source>
      <translation>{0}을(를) 삭제했습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="323" />
      <source>Choose a model folder</source>
      <translation>모델 폴더 선택</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="328" />
      <source>Choose a zipped model folder</source>
      <translation>압축된 모델 폴더 선택</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="328" />
      <source>Zip files (*.zip)</source>
      <translation>Zip 파일 (*.zip)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="333" />
      <source>Download a model</source>
      <translation>모델 내려받기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="334" />
      <source>Hugging Face model id (an audio-classification checkpoint):</source>
      <translation>Hugging Face 모델 ID (오디오 분류 체크포인트):</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="346" />
      <source>Installing {0}…</source>
      <translation>{0} 설치 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="371" />
      <source>Installed {0}. Select it and press “Use this model” to analyse with it.</source>
      <translation>{0}을(를) 설치했습니다. 이 모델로 분석하려면 선택한 뒤 “이 모델 사용”을 누르세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="379" />
      <source>Map labels onto emotions</source>
      <translation>레이블을 감정에 대응</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="380" />
      <source>These labels are not emotions Sound Diary knows: {0}.
Map each onto neutral, happy, sad, angry, surprise or fear (e.g. boredom=neutral):</source>
      <translation>다음 레이블은 사운드 다이어리가 아는 감정이 아닙니다: {0}.
각각을 neutral, happy, sad, angry, surprise, fear 중 하나에 대응하세요 (예: boredom=neutral):</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="391" />
      <source>You are offline: {0}</source>
      <translation>오프라인 상태입니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="393" />
      <source>Could not install {0}: {1}</source>
      <translation>{0}을(를) 설치할 수 없습니다: {1}</translation>
    </message>
  </context>
  <context>
    <name>ModelTableModel</name>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="67" />
      <source>Name</source>
      <extracomment>the columns of ``ModelTableModel``</extracomment>
      <translation>이름</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="67" />
      <source>Task</source>
      <translation>용도</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="67" />
      <source>Kind</source>
      <translation>종류</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="67" />
      <source>Source</source>
      <translation>출처</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="67" />
      <source>Active</source>
      <translation>사용 중</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="99" />
      <source>speech emotion</source>
      <translation>음성 감정</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="99" />
      <source>scene</source>
      <translation>장소</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="100" />
      <source>shipped</source>
      <translation>기본 제공</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="100" />
      <source>user</source>
      <translation>사용자</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/model_manager.py" line="103" />
      <source>yes</source>
      <translation>예</translation>
    </message>
  </context>
  <context>
    <name>NotificationsPage</name>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="32" />
      <source>notifications</source>
      <extracomment>symbols from common text fonts: colour emoji showed as empty boxes on stock Linux fonts</extracomment>
      <translation>알림</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="36" />
      <source>Mark all as read</source>
      <translation>모두 읽음으로 표시</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="39" />
      <source>Refresh</source>
      <translation>새로고침</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="51" />
      <source>&lt;h2&gt;Notifications&lt;/h2&gt;</source>
      <translation>&lt;h2&gt;알림&lt;/h2&gt;</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="90" />
      <source>Click to open</source>
      <translation>클릭하면 열립니다</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="97" />
      <source>No notifications yet.</source>
      <translation>아직 알림이 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="105" />
      <source>{0} unread</source>
      <translation>읽지 않음 {0}개</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/notifications.py" line="125" />
      <source>That entry is not in the diary on this computer (it may have been deleted).</source>
      <translation>이 컴퓨터의 다이어리에 그 기록이 없습니다(삭제되었을 수 있습니다).</translation>
    </message>
  </context>
  <context>
    <name>PersonalBox</name>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="164" />
      <source>Learns from you</source>
      <extracomment>wait this long after a change before retraining (a Save writes several fields in a row) new analysed recordings after which the adaptation statistics are refreshed without a correction</extracomment>
      <translation>나에게 맞추기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="168" />
      <source>Learn from my corrections (stays on this computer, never synced)</source>
      <translation>내가 고친 태그에서 배우기 (이 컴퓨터에만 저장되며 동기화되지 않음)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="178" />
      <source>Undo last correction</source>
      <translation>마지막 수정 되돌리기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="181" />
      <location filename="../../diary_app/ui/personal_panel.py" line="221" />
      <source>Reset what it learnt</source>
      <translation>배운 내용 초기화</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="184" />
      <source>Prepare older entries</source>
      <translation>이전 기록 준비</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="186" />
      <source>Keep what the analysis sees for entries recorded before this version</source>
      <translation>이 버전 이전에 녹음한 기록에 대해 분석 결과를 보관합니다</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="188" />
      <source>Cancel</source>
      <translation>취소</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="207" />
      <source>Personal layer: {0}</source>
      <translation>개인 맞춤: {0}</translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/personal_panel.py" line="222" />
      <source>Forget what the app learnt from your %n correction(s)? Your tags stay as they are; only corrections you make from now on will teach it.</source>
      <translation>
        <numerusform>교정 %n개에서 배운 것을 잊을까요? 태그는 그대로 남고, 지금부터 하는 교정만 다시 가르칩니다.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="226" />
      <source>Forgotten. Corrections you make from now on will teach it again.</source>
      <translation>잊었습니다. 지금부터 하는 교정으로 다시 배웁니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="230" />
      <source>Nothing to undo.</source>
      <translation>되돌릴 내용이 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="230" />
      <source>Undone: the entry is back to {0}.</source>
      <translation>되돌렸습니다: 기록이 {0}(으)로 돌아갔습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="231" />
      <source>its automatic tag</source>
      <translation>자동 태그</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="236" />
      <source>Off: tags come from the shipped models only. What it learnt is kept.</source>
      <translation>꺼짐: 태그는 기본 모델만으로 정합니다. 배운 내용은 보관됩니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="238" />
      <source>Nothing learnt since you reset it: correct a tag to teach it again.</source>
      <translation>초기화한 뒤로 배운 것이 없습니다. 태그를 고치면 다시 배웁니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="240" />
      <source>No corrections yet: correct a tag and the app learns your voice and places.</source>
      <translation>아직 고친 태그가 없습니다. 태그를 고치면 앱이 내 목소리와 장소를 배웁니다.</translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/personal_panel.py" line="242" />
      <source>Learning from your %n correction(s)</source>
      <translation>
        <numerusform>내가 고친 태그 %n개에서 배우는 중</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="248" />
      <source>On your {0} most recent entries, the automatic tag agreed with you {1:.0%} of the time (the shipped model alone: {2:.0%}). Only tags computed before you corrected them are counted.</source>
      <translation>최근 기록 {0}개에서 자동 태그가 나와 일치한 비율은 {1:.0%}입니다 (기본 모델만: {2:.0%}). 고치기 전에 계산된 태그만 셉니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="252" />
      <source>Agreement appears once new entries are tagged with your corrections.</source>
      <translation>새 기록이 내 수정을 반영해 태그되면 일치율이 표시됩니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="259" />
      <source>Preparing older entries…</source>
      <translation>이전 기록 준비 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="270" />
      <source>Cancelled</source>
      <translation>취소됨</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="270" />
      <source>Done</source>
      <translation>완료</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="271" />
      <source>{0}: {1} of {2} older entries prepared{3}.</source>
      <translation>{0}: 이전 기록 {2}개 중 {1}개 준비됨{3}.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/personal_panel.py" line="272" />
      <source>, {0} failed</source>
      <translation>, {0}개 실패</translation>
    </message>
  </context>
  <context>
    <name>PrivacyOptions</name>
    <message>
      <location filename="../../diary_app/ui/options/privacy.py" line="12" />
      <source>Privacy</source>
      <translation>개인정보</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/privacy.py" line="16" />
      <source>Allow Sound Diary to use the microphone</source>
      <translation>사운드 다이어리의 마이크 사용 허용</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/privacy.py" line="20" />
      <source>Offer to save the place of a recording</source>
      <translation>녹음 장소 저장 제안</translation>
    </message>
  </context>
  <context>
    <name>RecordPage</name>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="63" />
      <location filename="../../diary_app/ui/pages/record.py" line="292" />
      <source>Record</source>
      <extracomment>warn while recording once the input has stayed at the "too quiet" floor this long</extracomment>
      <translation>녹음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="66" />
      <source>Start or stop recording (Space)</source>
      <translation>녹음 시작 또는 중지 (스페이스)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="71" />
      <location filename="../../diary_app/ui/pages/record.py" line="218" />
      <location filename="../../diary_app/ui/pages/record.py" line="294" />
      <source>Press Space or the button to record today's sound.</source>
      <translation>스페이스 키나 버튼을 눌러 오늘의 소리를 녹음하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="78" />
      <source>The microphone hears almost nothing. Is it muted, or blocked in the system's privacy settings? A recording this quiet cannot be analysed.</source>
      <translation>마이크에 거의 아무 소리도 들어오지 않습니다. 음소거되어 있거나 시스템의 개인정보 설정에서 차단되어 있지 않나요? 이렇게 조용한 녹음은 분석할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="91" />
      <source>Input level</source>
      <translation>입력 레벨</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="172" />
      <source>Recording needs your permission to use the microphone (you can change this in Settings).</source>
      <translation>녹음하려면 마이크 사용 권한이 필요합니다 (설정에서 바꿀 수 있습니다).</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="180" />
      <source>Cannot record: {0}</source>
      <translation>녹음할 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="183" />
      <source>Stop</source>
      <translation>중지</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="185" />
      <source>Recording… press Space or the button to stop.</source>
      <translation>녹음 중… 멈추려면 스페이스 키나 버튼을 누르세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="202" />
      <source>Nothing was recorded. {0}</source>
      <translation>녹음된 것이 없습니다. {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="205" />
      <source>The disk is full: recording stopped. The {0} s recorded so far were kept.</source>
      <translation>디스크가 가득 찼습니다. 녹음이 멈췄습니다. 지금까지 녹음한 {0}초는 보관되었습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="212" />
      <source>Saving…</source>
      <translation>저장하는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="228" />
      <source>The disk is full: the recording ({0} s) could not be added to the diary. It was kept and will be offered again at the next start; free some space first.</source>
      <translation>디스크가 가득 찼습니다. 녹음({0}초)을 일기에 추가하지 못했습니다. 녹음은 보관되어 다음 시작 때 다시 제안됩니다. 먼저 공간을 확보하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="232" />
      <source>The recording could not be added to the diary ({0}). It was kept and will be offered again at the next start.</source>
      <translation>녹음을 다이어리에 추가하지 못했습니다 ({0}). 녹음은 보관되었으며 다음 실행 때 다시 제안됩니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="208" />
      <source>Recording stopped: {0}. The {1} s recorded so far were kept.</source>
      <translation>녹음이 중지되었습니다: {0}. 지금까지 녹음된 {1}초는 보관되었습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="211" />
      <source>Stopped at the maximum length ({0}).</source>
      <translation>최대 길이({0})에 도달해 중지했습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="251" />
      <source>Use the microphone?</source>
      <translation>마이크를 사용할까요?</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="252" />
      <source>Sound Diary records a short sound from your microphone and keeps it on this computer. Allow the microphone?</source>
      <translation>사운드 다이어리는 마이크로 짧은 소리를 녹음해 이 컴퓨터에 보관합니다. 마이크 사용을 허용할까요?</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="309" />
      <source>Saved to your diary.</source>
      <translation>다이어리에 저장했습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="313" />
      <source>The recording was discarded.</source>
      <translation>녹음을 버렸습니다.</translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/pages/record.py" line="341" />
      <source>%n recordings interrupted by a crash were recovered.</source>
      <translation>
        <numerusform>비정상 종료로 중단된 녹음 %n개를 복구했습니다.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/pages/record.py" line="347" />
      <source>Sound Diary was closed while recording. %n unfinished recordings with {0} s of audio were found. Keep them in your diary?</source>
      <translation>
        <numerusform>녹음 중에 사운드 다이어리가 종료되었습니다. 끝나지 않은 녹음 %n개({0}초 분량)를 찾았습니다. 다이어리에 보관할까요?</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/record.py" line="350" />
      <source>Recover recording</source>
      <translation>녹음 복구</translation>
    </message>
  </context>
  <context>
    <name>RecordingOptions</name>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="16" />
      <source>Recording</source>
      <extracomment>the combo's data for "System default"</extracomment>
      <translation>녹음</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="25" />
      <source>System default</source>
      <translation>시스템 기본값</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="32" />
      <source>{0} (not connected)</source>
      <translation>{0} (연결 안 됨)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="35" />
      <source>Input device</source>
      <translation>입력 장치</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="36" />
      <source>No microphone was found. Connect one to record.</source>
      <translation>마이크를 찾을 수 없습니다. 녹음하려면 마이크를 연결하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="46" />
      <source> s</source>
      <translation>초</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="48" />
      <source>A recording stops by itself after this many seconds (5–600).</source>
      <translation>녹음은 이 시간(5–600초)이 지나면 저절로 멈춥니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/options/recording.py" line="50" />
      <source>Maximum recording length</source>
      <translation>최대 녹음 길이</translation>
    </message>
  </context>
  <context>
    <name>ReviewPanel</name>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="75" />
      <source>Retry analysis</source>
      <translation>다시 분석</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="86" />
      <source>A note about this moment (optional)</source>
      <translation>이 순간에 대한 메모 (선택)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="88" />
      <source>Public (friends can see it)</source>
      <translation>공개 (친구가 볼 수 있음)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="90" />
      <source>Save location</source>
      <translation>위치 저장</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="100" />
      <source>Save</source>
      <translation>저장</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="104" />
      <source>Save (Ctrl+S)</source>
      <translation>저장 (Ctrl+S)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="108" />
      <source>Discard</source>
      <translation>버리기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="117" />
      <source>Automatic tag</source>
      <translation>자동 태그</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="131" />
      <source>Your tag (pick another if it does not fit)</source>
      <translation>내 태그 (맞지 않으면 다른 것을 고르세요)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="170" />
      <source>Recorded {0} at {1} · {2} s</source>
      <translation>{0} {1}에 녹음 · {2}초</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="195" />
      <location filename="../../diary_app/ui/review_panel.py" line="264" />
      <source>Analysing…</source>
      <translation>분석 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="197" />
      <source>The tag appears here in a moment. You can already write a note.</source>
      <translation>잠시 후 여기에 태그가 표시됩니다. 그동안 메모를 쓸 수 있습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="205" />
      <source>Analysis failed: {0}
The entry is kept untagged; retry, or pick the emotion yourself below.</source>
      <translation>분석에 실패했습니다: {0}
기록은 태그 없이 보관됩니다. 다시 시도하거나 아래에서 감정을 직접 고르세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="216" />
      <source>Too quiet to analyse — pick the emotion yourself or record again.</source>
      <translation>너무 조용해서 분석할 수 없습니다. 감정을 직접 고르거나 다시 녹음하세요.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="218" />
      <source>Measured: {0}</source>
      <translation>측정값: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="233" />
      <source>Decided by the rule: {0}</source>
      <translation>규칙에 따라 결정: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="235" />
      <source>No scene was clear enough. The sounds suggested: {0}</source>
      <translation>충분히 뚜렷한 장면이 없었습니다. 소리로 짐작한 것: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="239" />
      <source>Confidence: {0} %</source>
      <translation>신뢰도: {0} %</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="241" />
      <source>From the voice in the recording (speech emotion)</source>
      <translation>녹음 속 목소리에서 (음성 감정)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="244" />
      <source>From the surroundings: the scene sounds like “{0}”</source>
      <translation>주변 소리에서: “{0}” 같은 장소로 들립니다</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="254" />
      <source>Also possible: {0}</source>
      <translation>다른 가능성: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="262" />
      <source>Waiting for the analysis…</source>
      <translation>분석을 기다리는 중…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="263" />
      <source>Loading the models (first time only)…</source>
      <translation>모델을 불러오는 중 (처음 한 번만)…</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="301" />
      <source>Not saved: {0}</source>
      <translation>저장하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="312" />
      <source>Discard recording</source>
      <translation>녹음 버리기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="313" />
      <source>Delete this recording and its entry? This cannot be undone.</source>
      <translation>이 녹음과 기록을 삭제할까요? 되돌릴 수 없습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/review_panel.py" line="334" />
      <source>Not deleted</source>
      <translation>삭제되지 않음</translation>
    </message>
  </context>
  <context>
    <name>SettingsPage</name>
    <message>
      <location filename="../../diary_app/ui/pages/settings.py" line="68" />
      <source>&lt;h2&gt;Settings&lt;/h2&gt;</source>
      <extracomment>(attribute on the page, factory) in the order shown the installed or active models changed (forwarded from the model manager)</extracomment>
      <translation>&lt;h2&gt;설정&lt;/h2&gt;</translation>
    </message>
  </context>
  <context>
    <name>SignInPrompt</name>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="22" />
      <source>Sign in to use {0}. Friends see only what you mark public; private entries never leave this computer.</source>
      <translation>{0} 기능을 쓰려면 로그인하세요. 친구는 공개로 표시한 기록만 볼 수 있으며, 비공개 기록은 이 컴퓨터 밖으로 나가지 않습니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/social/widgets.py" line="25" />
      <source>Sign in or create an account…</source>
      <translation>로그인 또는 계정 만들기…</translation>
    </message>
  </context>
  <context>
    <name>StatisticsView</name>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="30" />
      <source>Mondays</source>
      <extracomment>"on Mondays" in a sentence (a plural the locale's day names lack), marked for lupdate</extracomment>
      <translation>월요일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="30" />
      <source>Tuesdays</source>
      <translation>화요일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="31" />
      <source>Wednesdays</source>
      <translation>수요일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="31" />
      <source>Thursdays</source>
      <translation>목요일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="32" />
      <source>Fridays</source>
      <translation>금요일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="32" />
      <source>Saturdays</source>
      <translation>토요일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="33" />
      <source>Sundays</source>
      <translation>일요일</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="94" />
      <source>per month</source>
      <translation>월별</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="95" />
      <source>per week</source>
      <translation>주별</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="100" />
      <source>Emotions over time</source>
      <translation>시간에 따른 감정</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="117" />
      <source>Entries per period</source>
      <translation>기간별 기록 수</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="120" />
      <source>Share of each emotion (%)</source>
      <translation>감정별 비율 (%)</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="121" />
      <source>By hour of the day</source>
      <translation>시간대별</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="122" />
      <source>By weekday</source>
      <translation>요일별</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="140" />
      <source>No entries yet. Statistics appear here after your first recordings.</source>
      <translation>아직 기록이 없습니다. 첫 녹음을 하고 나면 여기에 통계가 나타납니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="203" />
      <source>Statistics unavailable: {0}</source>
      <translation>통계를 표시할 수 없습니다: {0}</translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="214" />
      <source>%n entries</source>
      <translation>
        <numerusform>기록 %n개</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/statistics_view.py" line="259" />
      <source>&lt;b style='color:{0}'&gt;{1}&lt;/b&gt;: most likely around {2}:00 and on {3}</source>
      <translation>&lt;b style='color:{0}'&gt;{1}&lt;/b&gt;: 주로 {2}시 무렵, {3}에 많음</translation>
    </message>
  </context>
  <context>
    <name>TimelineStrip</name>
    <message>
      <location filename="../../diary_app/ui/evidence_view.py" line="77" />
      <source>No analysis windows</source>
      <extracomment>speech-detection cues worth a word, in the order shown (others are listed after them) held-out corrections below which the safety gate's agreement is not shown as a percentage</extracomment>
      <translation>분석 구간 없음</translation>
    </message>
  </context>
  <context>
    <name>UndoBar</name>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="44" />
      <source>Undo</source>
      <translation>되돌리기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/pages/diary.py" line="46" />
      <source>Bring the deleted entry back (Ctrl+Z)</source>
      <translation>삭제한 기록 되살리기 (Ctrl+Z)</translation>
    </message>
  </context>
  <context>
    <name>YearPixels</name>
    <message>
      <location filename="../../diary_app/ui/browse/year_view.py" line="91" />
      <source>{0}: no entry</source>
      <translation>{0}: 기록 없음</translation>
    </message>
  </context>
  <context>
    <name>YearView</name>
    <message>
      <location filename="../../diary_app/ui/browse/year_view.py" line="112" />
      <source>Previous year</source>
      <translation>이전 해</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/year_view.py" line="113" />
      <source>Next year</source>
      <translation>다음 해</translation>
    </message>
    <message numerus="yes">
      <location filename="../../diary_app/ui/browse/year_view.py" line="143" />
      <source>&lt;b&gt;{0}&lt;/b&gt; — %n days with entries</source>
      <translation>
        <numerusform>&lt;b&gt;{0}&lt;/b&gt; — 기록한 날 %n일</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/year_view.py" line="148" />
      <source>No entries in {0}. Record today's sound on the Record page and its day fills in here.</source>
      <translation>{0}년에는 기록이 없습니다. 녹음 페이지에서 오늘의 소리를 녹음하면 그날이 여기에 채워집니다.</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/browse/year_view.py" line="150" />
      <source>Your diary is empty. Record today's sound on the Record page and each day fills in here.</source>
      <translation>다이어리가 비어 있습니다. 녹음 페이지에서 오늘의 소리를 녹음하면 하루하루 여기에 채워집니다.</translation>
    </message>
  </context>
  <context>
    <name>emotions</name>
    <message>
      <location filename="../../diary_app/ui/emotion_widgets.py" line="17" />
      <source>Neutral</source>
      <extracomment>marked for lupdate; translated at run time in the "emotions" context</extracomment>
      <translation>평온</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/emotion_widgets.py" line="18" />
      <source>Happy</source>
      <translation>기쁨</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/emotion_widgets.py" line="19" />
      <source>Sad</source>
      <translation>슬픔</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/emotion_widgets.py" line="20" />
      <source>Angry</source>
      <translation>화남</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/emotion_widgets.py" line="21" />
      <source>Surprise</source>
      <translation>놀람</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/emotion_widgets.py" line="22" />
      <source>Fear</source>
      <translation>두려움</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/emotion_widgets.py" line="23" />
      <source>Untagged</source>
      <translation>태그 없음</translation>
    </message>
  </context>
  <context>
    <name>scenes</name>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="99" />
      <source>airport</source>
      <extracomment>code -&gt; name shown in its own language (never translated: a user must find their language) scene labels of the shipped models (TAU Urban Acoustic Scenes, UrbanSound8K), marked for lupdate</extracomment>
      <translation>공항</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="100" />
      <source>bus</source>
      <translation>버스</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="101" />
      <source>bus stop</source>
      <translation>버스 정류장</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="102" />
      <source>tram</source>
      <translation>트램</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="103" />
      <source>metro</source>
      <translation>지하철</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="104" />
      <source>metro station</source>
      <translation>지하철역</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="105" />
      <source>park</source>
      <translation>공원</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="106" />
      <source>public square</source>
      <translation>광장</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="107" />
      <source>shopping mall</source>
      <translation>쇼핑몰</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="108" />
      <source>pedestrian street</source>
      <translation>보행자 거리</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="109" />
      <source>street traffic</source>
      <translation>도로 교통</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="110" />
      <source>street</source>
      <translation>거리</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="111" />
      <source>air conditioner</source>
      <translation>에어컨</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="112" />
      <source>car horn</source>
      <translation>자동차 경적</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="113" />
      <source>children playing</source>
      <translation>노는 아이들</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="114" />
      <source>dog barking</source>
      <translation>개 짖는 소리</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="115" />
      <source>drilling</source>
      <translation>드릴 소리</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="116" />
      <source>engine idling</source>
      <translation>엔진 공회전</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="117" />
      <source>gunshot</source>
      <translation>총소리</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="118" />
      <source>jackhammer</source>
      <translation>착암기</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="119" />
      <source>siren</source>
      <translation>사이렌</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="120" />
      <source>street music</source>
      <translation>거리 음악</translation>
    </message>
    <message>
      <location filename="../../diary_app/ui/i18n.py" line="121" />
      <source>unclassified</source>
      <translation>분류되지 않음</translation>
    </message>
  </context>
</TS>