"""Secrets (sync password, key passphrase) live only in the OS keyring, behind this small API.

`keyring` is imported when a secret is first asked for: loading it finds and loads the
platform's backends, which the desktop app's first window must not wait for."""

from __future__ import annotations

SERVICE = "assessor-app"


class SecretStoreUnavailable(RuntimeError):
    """No secure store on this machine; the caller must say so, never write a plaintext file."""


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    return SecretStoreUnavailable(
        "No secure password store is available on this computer (no keyring / Secret Service). "
        "Unlock or install your desktop's keyring, or supply the secret through the documented "
        f"environment variable for unattended runs. ({exc.__class__.__name__})"
    )


def get_secret(name: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        return keyring.get_password(SERVICE, name)
    except NoKeyringError:
        return None
    except KeyringError as exc:
        raise _unavailable(exc) from exc


def set_secret(name: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, value)
    except KeyringError as exc:
        raise _unavailable(exc) from exc


def delete_secret(name: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        raise _unavailable(exc) from exc
