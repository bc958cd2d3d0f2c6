import pytest

from serial_tracking.tools import urls


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/support",
        "http://example.com",
        "HTTPS://Example.com/a?b=c#d",
        "https://[::1]:8443/x",
    ],
)
def test_web_addresses_are_accepted(value):
    assert urls.is_web_url(value)


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:msgbox",
        "mailto:a@example.com",
        "//example.com/support",
        "/support",
        "https://",
        "https:///path",
        "https://exa mple.com",
        "https://[::1",
        "",
        None,
        42,
    ],
)
def test_anything_else_is_refused(value):
    assert not urls.is_web_url(value)
