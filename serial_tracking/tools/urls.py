"""Links the suite renders from what users type (the service request link)."""

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")


def is_web_url(value):
    """Whether ``value`` is an absolute http(s) address with a host.

    Anything else (``javascript:``, ``data:``, a relative path, text with spaces or
    control characters that a browser would strip before reading the scheme) is not.
    """
    if not isinstance(value, str) or not value or value != value.strip():
        return False
    if any(ord(char) < 33 or ord(char) == 127 for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
