"""Sign-in / sign-up dialog. The request runs on the SyncService's workers; the dialog only waits.

The server field starts with the server signed in to before, else the address last tried (there is
no built-in address: a friends' server is whoever runs one). Failures read as sentences, and the
message goes away as soon as the address is edited.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from diary_app.sync.client.api import AuthError, ConflictError, OfflineError, RateLimitedError, ServerError
from diary_app.ui.social.service import SyncService


class LoginDialog(QDialog):
    def __init__(self, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(self.tr("Sign in to Sound Diary friends"))
        self.setMinimumWidth(380)
        self.server = QLineEdit(service.suggested_server_url)
        self.server.setObjectName("server")
        self.server.setPlaceholderText(self.tr("e.g. https://diary.example.org (ask the friend who runs it)"))
        self.server.textEdited.connect(lambda _t: self.message.clear())
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText(self.tr("3–32 characters: a–z, 0–9, _ . -"))
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.create_account = QCheckBox(self.tr("Create a new account"))
        self.create_account.setObjectName("create_account")
        self.create_account.toggled.connect(self._mode_changed)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("Username"), self.username)
        self._display_label = QLabel(self.tr("Display name"))
        form.addRow(self._display_label, self.display_name)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.create_account)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._mode_changed(False)

    def _mode_changed(self, create: bool) -> None:
        self.display_name.setVisible(create)
        self._display_label.setVisible(create)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Create account") if create else self.tr("Sign in"))

    def _validate(self) -> str | None:
        if not self.server.text().strip():
            return self.tr("Enter the address of the friends' server.")
        if not self.server.text().strip().startswith(("http://", "https://")):
            return self.tr("The server address must start with http:// or https://.")
        if not self.username.text().strip():
            return self.tr("Enter your username.")
        if self.create_account.isChecked() and len(self.password.text()) < 8:
            return self.tr("The password needs at least 8 characters.")
        if not self.password.text():
            return self.tr("Enter your password.")
        return None

    def submit(self) -> None:
        problem = self._validate()
        if problem:
            self.message.setText(problem)
            return
        self._set_enabled(False)
        self.message.setText(self.tr("Signing in…"))
        display = (self.display_name.text().strip() or self.username.text().strip()) if self.create_account.isChecked() else None
        self.service.login(
            self.server.text().strip(),
            self.username.text().strip().lower(),
            self.password.text(),
            display_name=display,
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, _user) -> None:
        self._set_enabled(True)
        self.password.clear()
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._set_enabled(True)
        self.message.setText(self.error_text(exc))

    def error_text(self, exc: Exception) -> str:
        """A sentence for the user, never a raw "[Errno 111] Connection refused"."""
        server = self.server.text().strip()
        if isinstance(exc, RateLimitedError) and exc.retry_after_s:
            return self.tr("Too many attempts. Try again in {0} s.").format(int(exc.retry_after_s))
        if isinstance(exc, OfflineError):
            return self.tr("Cannot reach the server at {0}. Check the address and your network, "
                           "and that the server is running.").format(server)
        if isinstance(exc, AuthError):
            return self.tr("Wrong username or password.")
        if isinstance(exc, ConflictError) and self.create_account.isChecked():
            return self.tr("That username is taken. Choose another one.")
        if isinstance(exc, ServerError):
            return self.tr("The server at {0} has a problem right now. Try again later.").format(server)
        text = str(exc).strip() or type(exc).__name__
        return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")

    def _set_enabled(self, enabled: bool) -> None:
        for w in (self.server, self.username, self.display_name, self.password, self.create_account, self.buttons):
            w.setEnabled(enabled)
