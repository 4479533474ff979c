"""SMTP settings (TOML, environment, CLI) and the rate limiter."""
from __future__ import annotations

from pathlib import Path

import pytest
from mail_helpers import clean_smtp_env  # noqa: F401  (autouse fixture)

from lketool.mailer import MailConfigError, RateLimiter, SmtpSettings, load_smtp_settings


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "smtp.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_config_file_env_and_cli_precedence(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    cfg = write(tmp_path, '[smtp]\nhost = "mail.instansi.go.id"\nport = 587\nsecurity = "starttls"\n'
                          'user = "zi"\nfrom = "Tim ZI <zi@instansi.go.id>"\nrate = 10\ntimeout = 20\n'
                          'cafile = "ca.pem"\n')
    s = load_smtp_settings(cfg, {})
    assert (s.host, s.port, s.security, s.user, s.rate, s.timeout) == ("mail.instansi.go.id", 587, "starttls", "zi", 10, 20)
    assert s.sender_address == "zi@instansi.go.id"
    assert s.cafile == tmp_path / "ca.pem"  # relative to the config file, not the cwd
    env = {"LKETOOL_SMTP_HOST": "relay.go.id", "LKETOOL_SMTP_PORT": "465", "LKETOOL_SMTP_SECURITY": "SSL",
           "LKETOOL_SMTP_USER": "lain", "LKETOOL_SMTP_FROM": "x@relay.go.id"}
    s = load_smtp_settings(cfg, env, rate=0, timeout=5)
    assert (s.host, s.port, s.security, s.user, s.sender, s.rate, s.timeout) == (
        "relay.go.id", 465, "ssl", "lain", "x@relay.go.id", 0, 5)


def test_defaults_without_config() -> None:
    s = load_smtp_settings(None, {"LKETOOL_SMTP_HOST": "h.go.id", "LKETOOL_SMTP_SECURITY": "ssl"})
    assert s.effective_port == 465 and s.rate == 30 and s.timeout == 30 and s.user is None
    assert load_smtp_settings(None, {}).effective_port == 587


def test_password_in_config_is_refused(tmp_path: Path) -> None:
    cfg = write(tmp_path, 'host = "h.go.id"\npassword = "rahasia"\n')
    with pytest.raises(MailConfigError, match="kata sandi tidak boleh") as err:
        load_smtp_settings(cfg, {})
    assert "rahasia" not in str(err.value)


@pytest.mark.parametrize(
    "text, env, message",
    [
        ('hots = "h"\n', {}, "kunci tidak dikenal: hots"),
        ('host = "h"\nsecurity = "tls"\n', {}, "security"),
        ('host = "h"\n', {"LKETOOL_SMTP_PORT": "abc"}, "port harus berupa angka"),
        ('host = "h"\nport = 70000\n', {}, "rentang"),
        ('host = "h\n', {}, "bukan TOML"),
        ('cafile = "tidak-ada.pem"\n', {}, "sertifikat CA"),
    ],
)
def test_bad_settings_are_config_errors(tmp_path: Path, text: str, env: dict, message: str) -> None:
    with pytest.raises(MailConfigError, match=message):
        load_smtp_settings(write(tmp_path, text), env)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(MailConfigError, match="tidak ditemukan"):
        load_smtp_settings(tmp_path / "tidak-ada.toml", {})


def test_require_for_sending() -> None:
    with pytest.raises(MailConfigError, match="LKETOOL_SMTP_HOST"):
        SmtpSettings(sender="a@x.go.id").require_for_sending()
    with pytest.raises(MailConfigError, match="LKETOOL_SMTP_FROM"):
        SmtpSettings(host="h.go.id").require_for_sending()
    with pytest.raises(MailConfigError, match="tidak sah"):
        SmtpSettings(host="h.go.id", sender="bukan-alamat").require_for_sending()
    # a password must not travel in clear text to a remote server...
    with pytest.raises(MailConfigError, match="tanpa enkripsi"):
        SmtpSettings(host="mail.go.id", sender="a@x.go.id", security="none", user="u").require_for_sending()
    # ...but a local relay on the same machine is fine
    SmtpSettings(host="127.0.0.1", sender="a@x.go.id", security="none", user="u").require_for_sending()


def test_describe_never_contains_a_password() -> None:
    s = SmtpSettings(host="h.go.id", user="zi")
    assert s.describe() == "h.go.id:587 (starttls, user zi)"
    assert not any("pass" in f for f in SmtpSettings.__dataclass_fields__)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_messages() -> None:
    fc = FakeClock()
    limiter = RateLimiter(12, clock=fc.clock, sleep=fc.sleep)  # 12 per minute = one per 5 s
    limiter.wait()  # first message: no wait
    fc.now += 2.0   # sending took 2 s
    limiter.wait()
    limiter.wait()
    assert fc.sleeps == [pytest.approx(3.0), pytest.approx(5.0)]


def test_rate_zero_means_no_limit() -> None:
    fc = FakeClock()
    limiter = RateLimiter(0, clock=fc.clock, sleep=fc.sleep)
    for _ in range(5):
        limiter.wait()
    assert fc.sleeps == []
