"""SMTP settings and the sender that talks to the server.

Settings come from (highest first) command-line options, environment
variables ``LKETOOL_SMTP_HOST/_PORT/_USER/_SECURITY/_FROM``, a TOML file
(``--config smtp.toml``), then defaults. The password is *only* taken from
``LKETOOL_SMTP_PASSWORD`` or an interactive prompt, through a callable the
CLI passes in; it is never stored in :class:`SmtpSettings`, printed or logged.

Certificates are always verified (``ssl.create_default_context``). A server
with an internal CA is trusted by giving its CA file (``cafile``), never by
switching verification off.
"""
from __future__ import annotations

import ipaddress
import smtplib
import ssl
import sys
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from lketool.i18n import Msg
from lketool.mailer.errors import MailConfigError, MailError
from lketool.mailer.recipients import address_problem

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_RATE = 30.0  # messages per minute; many government servers throttle bursts
DEFAULT_TIMEOUT = 30.0

ENV_PREFIX = "LKETOOL_SMTP_"
PASSWORD_ENV = "LKETOOL_SMTP_PASSWORD"
_CONFIG_KEYS = {"host", "port", "security", "user", "from", "sender", "timeout", "rate", "cafile", "helo"}


class SmtpConnectError(MailError):
    """The server could not be reached (network, DNS, refused connection)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send. Holds no password by design."""

    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    user: str | None = None
    sender: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    rate: float = DEFAULT_RATE
    cafile: Path | None = None
    helo: str | None = None  # EHLO name; avoids slow getfqdn() on some Windows networks

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def sender_address(self) -> str:
        """The bare address of ``sender`` (``"Tim ZI <zi@x.go.id>"`` -> ``zi@x.go.id``)."""
        return parseaddr(self.sender or "")[1]

    def describe(self) -> str:
        """One line for the user; safe to print (no secret in it)."""
        who = f", user {self.user}" if self.user else ""
        return f"{self.host}:{self.effective_port} ({self.security}{who})"

    def require_for_sending(self) -> None:
        """Raise :class:`MailConfigError` if ``--send`` cannot work with these settings."""
        if not self.host:
            raise MailConfigError("mail.smtp.no-host")
        if not self.sender:
            raise MailConfigError("mail.smtp.no-sender")
        problem = address_problem(self.sender_address)
        if problem:
            raise MailConfigError("mail.sender-invalid", sender=repr(self.sender), problem=problem)
        if self.user and self.security == "none" and not _is_loopback(self.host):
            raise MailConfigError("mail.smtp.plain-password")


def _is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise MailConfigError("mail.config.tomli") from None
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise MailConfigError("mail.config.missing", path=path) from None
    except OSError as exc:
        raise MailConfigError("mail.config.unreadable", path=path, detail=str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise MailConfigError("mail.config.bad-toml", path=path, detail=str(exc)) from exc


def load_smtp_settings(
    config: Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    rate: float | None = None,
    timeout: float | None = None,
    cafile: Path | None = None,
) -> SmtpSettings:
    """Merge defaults, the TOML file, the environment and CLI values.

    The TOML file may hold the keys at top level or under ``[smtp]``. A
    ``password`` key is refused outright so it cannot sit in a shared file.
    """
    import os

    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    base = Path(".")
    if config is not None:
        data = _read_toml(Path(config))
        table = data.get("smtp", data) if isinstance(data.get("smtp"), dict) else data
        if "password" in table or "pass" in table:
            raise MailConfigError("mail.config.password", config=config, env=PASSWORD_ENV)
        unknown = sorted(set(table) - _CONFIG_KEYS - {"smtp"})
        if unknown:
            raise MailConfigError("mail.config.unknown-keys", config=config, keys=", ".join(unknown),
                                  known=", ".join(sorted(_CONFIG_KEYS)))
        values.update({k: v for k, v in table.items() if k != "smtp"})
        if "sender" in values and "from" not in values:
            values["from"] = values.pop("sender")
        base = Path(config).parent

    for name in ("host", "port", "user", "security", "from"):
        value = env.get(ENV_PREFIX + name.upper())
        if value not in (None, ""):
            values[name] = value

    security = str(values.get("security") or "starttls").strip().casefold()
    if security not in SECURITY_MODES:
        raise MailConfigError("mail.config.security", value=repr(values.get("security")))
    port = _number(values.get("port"), "port", int)
    if port is not None and not 0 < port < 65536:
        raise MailConfigError("mail.config.port", port=port)
    cfg_cafile = values.get("cafile")
    if cafile is None and cfg_cafile:
        cafile = Path(cfg_cafile)
        if not cafile.is_absolute():
            cafile = base / cafile  # relative to the config file, not to the cwd
    if cafile is not None and not Path(cafile).is_file():
        raise MailConfigError("mail.config.cafile", path=cafile)

    rate_value = rate if rate is not None else _number(values.get("rate"), "rate", float)
    timeout_value = timeout if timeout is not None else _number(values.get("timeout"), "timeout", float)
    if rate_value is not None and rate_value < 0:
        raise MailConfigError("mail.config.rate")
    if timeout_value is not None and timeout_value <= 0:
        raise MailConfigError("mail.config.timeout")
    return SmtpSettings(
        host=str(values["host"]).strip() if values.get("host") else None,
        port=port,
        security=security,
        user=str(values["user"]).strip() if values.get("user") else None,
        sender=str(values["from"]).strip() if values.get("from") else None,
        timeout=DEFAULT_TIMEOUT if timeout_value is None else float(timeout_value),
        rate=DEFAULT_RATE if rate_value is None else float(rate_value),
        cafile=Path(cafile) if cafile else None,
        helo=str(values["helo"]).strip() if values.get("helo") else None,
    )


def _number(value: Any, name: str, kind: type) -> Any:
    if value in (None, ""):
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise MailConfigError("mail.config.number", name=name, value=repr(value)) from None


class RateLimiter:
    """Keeps at least ``60 / per_minute`` seconds between sends (0 = no limit)."""

    def __init__(
        self,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Block until the next message may go out, then mark it as going."""
        if self.interval and self._last is not None:
            delay = self.interval - (self._clock() - self._last)
            if delay > 0:
                self._sleep(delay)
        self._last = self._clock()


@dataclass
class SendResult:
    """Outcome of one SMTP transaction.

    ``refused`` maps each refused address to the server's reply; ``error`` is
    set when the message as a whole failed (then nothing was accepted).
    """

    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def state(self) -> str:
        if self.error is not None or not self.accepted:
            return "failed"
        return "partial" if self.refused else "sent"


def _reply(code: Any, msg: Any) -> str:
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", "replace")
    return f"{code} {msg}".strip()


class SmtpSender:
    """One reusable SMTP connection for a batch.

    ``password_provider`` is called at most once, at the first login, so a
    prompt appears only when something is actually sent.
    """

    def __init__(
        self,
        settings: SmtpSettings,
        password_provider: Callable[[], str | None] | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._password_provider = password_provider
        self._password: str | None = None
        self._ssl_context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def __repr__(self) -> str:  # never show the password, even by accident
        return f"SmtpSender({self.settings.describe()})"

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            cafile = str(self.settings.cafile) if self.settings.cafile else None
            self._ssl_context = ssl.create_default_context(cafile=cafile)
        return self._ssl_context

    def connect(self) -> None:
        """Open, secure and authenticate a connection.

        Raises :class:`SmtpConnectError` for network problems and
        :class:`MailConfigError` for problems the user must fix in the
        settings (certificate, TLS mode, login).
        """
        s = self.settings
        host, port = s.host or "", s.effective_port
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(host, port, local_hostname=s.helo, timeout=s.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(host, port, local_hostname=s.helo, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, self._get_password())
        except ssl.SSLCertVerificationError as exc:
            _quiet_close(smtp)
            raise MailConfigError("mail.smtp.certificate", host=host, detail=exc.verify_message) from None
        except ssl.SSLError as exc:
            _quiet_close(smtp)
            raise MailConfigError("mail.smtp.tls", host=host, port=port, detail=str(exc)) from None
        except smtplib.SMTPNotSupportedError as exc:
            _quiet_close(smtp)
            if "STARTTLS" in str(exc):
                why = Msg("mail.smtp.why.starttls")
            elif "AUTH" in str(exc):
                why = Msg("mail.smtp.why.auth")
            else:
                why = Msg("mail.smtp.why.other", detail=str(exc))
            raise MailConfigError("mail.smtp.not-supported", host=host, port=port, why=why) from None
        except smtplib.SMTPAuthenticationError as exc:
            _quiet_close(smtp)
            raise MailConfigError("mail.smtp.login", reply=_reply(exc.smtp_code, exc.smtp_error), env=PASSWORD_ENV) from None
        except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected) as exc:
            _quiet_close(smtp)
            raise SmtpConnectError("mail.smtp.connect", host=host, port=port, detail=str(exc)) from None
        except smtplib.SMTPException as exc:
            _quiet_close(smtp)
            raise MailConfigError("mail.smtp.session", host=host, port=port, detail=str(exc)) from None
        except OSError as exc:  # after the SMTP errors: they are OSError subclasses
            _quiet_close(smtp)
            raise SmtpConnectError("mail.smtp.connect", host=host, port=port, detail=str(exc)) from None
        self._smtp = smtp

    def _get_password(self) -> str:
        if self._password is None:
            password = self._password_provider() if self._password_provider else None
            if not password:
                raise MailConfigError("mail.smtp.no-password", user=self.settings.user, env=PASSWORD_ENV)
            self._password = password
        return self._password

    def ensure_connected(self) -> None:
        """Reuse the open connection if it still answers, else reconnect."""
        if self._smtp is not None:
            try:
                code, _ = self._smtp.noop()
                if code == 250:
                    return
            except (smtplib.SMTPException, OSError):
                pass
            _quiet_close(self._smtp)
            self._smtp = None
        self.connect()

    def send(self, msg: EmailMessage, envelope: Sequence[str]) -> SendResult:
        """Send ``msg`` to the ``envelope`` addresses; never raises for SMTP replies.

        ``send_message`` does not raise when only some recipients are refused:
        it returns them in a dict. Those addresses are reported as refused, not
        as sent.
        """
        if self._smtp is None:
            self.ensure_connected()
        assert self._smtp is not None
        envelope = list(envelope)
        try:
            refused = self._smtp.send_message(
                msg, from_addr=self.settings.sender_address, to_addrs=envelope
            )
        except smtplib.SMTPRecipientsRefused as exc:
            return SendResult(
                refused={a: _reply(*r) for a, r in exc.recipients.items()},
                error=Msg("mail.smtp.all-refused"),
            )
        except smtplib.SMTPSenderRefused as exc:
            reply = _reply(exc.smtp_code, exc.smtp_error)
            if exc.smtp_code == 552:  # SIZE given in MAIL FROM was over the server's limit
                return SendResult(error=Msg("mail.smtp.too-big", reply=reply))
            return SendResult(error=Msg("mail.smtp.sender-refused", reply=reply))
        except smtplib.SMTPDataError as exc:
            return SendResult(error=Msg("mail.smtp.data-refused", reply=_reply(exc.smtp_code, exc.smtp_error)))
        except smtplib.SMTPServerDisconnected as exc:
            # No final "250" was received, so by RFC 5321 the server has not
            # taken responsibility for the message: it is safe to retry later.
            self._drop()
            return SendResult(error=Msg("mail.smtp.disconnected", detail=str(exc) or Msg("mail.smtp.no-detail")))
        except smtplib.SMTPResponseException as exc:
            return SendResult(error=Msg("mail.smtp.refused", reply=_reply(exc.smtp_code, exc.smtp_error)))
        except smtplib.SMTPException as exc:
            return SendResult(error=Msg("mail.smtp.error", detail=str(exc)))
        except OSError as exc:  # socket errors and timeouts (SMTP errors are OSError too: keep last)
            self._drop()
            return SendResult(error=Msg("mail.smtp.send-failed", detail=str(exc) or type(exc).__name__))
        refused_text = {a: _reply(*r) for a, r in (refused or {}).items()}
        refused_fold = {a.casefold() for a in refused_text}
        accepted = [a for a in envelope if a.casefold() not in refused_fold]
        return SendResult(accepted=accepted, refused=refused_text)

    def _drop(self) -> None:
        _quiet_close(self._smtp)
        self._smtp = None

    def close(self) -> None:
        """Say QUIT politely; ignore a server that is already gone."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                _quiet_close(self._smtp)
            self._smtp = None


def _quiet_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass
