"""report.html in a real headless Chromium: rendering, filters, escaping, no network, not blank.

Two drivers: Chromium's own command line (`--dump-dom` after the page's script ran,
`--screenshot`), which needs only Debian's chromium (`make browser`); and selenium with
chromedriver (apt package chromium-driver) for real clicks and the network log. Each
test skips with the reason when its driver is missing.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib

import pytest

from aligner.output import write_outputs
from output_samples import HOSTILE, sample_result

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,1000")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    write_outputs(sample_result(), out)
    return out / "report.html"


@pytest.fixture
def chromium(tmp_path):
    """Run headless Chromium's command line on a URL; returns its stdout."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed (run `make browser`)")

    def run(url: str, *extra: str) -> str:
        cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout

    return run


def _text_of(dom: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', dom)
    assert m, f"#{element_id} not in the DOM"
    return m.group(1)


def _classes(dom: str, selector_re: str) -> set[str]:
    m = re.search(selector_re, dom)
    assert m, selector_re
    return set(re.search(r'class="([^"]*)"', m.group(0)).group(1).split())


@pytest.mark.parametrize("fragment, beads, flags, error_mark_on", [
    ("", "6", "6", True),
    ("#f=hide-sev-error", "6", "4", False),
    ("#f=hide-cat-boilerplate", "6", "4", True),
    ("#f=hide-dropped,only-flagged", "2", "4", True),
    ("#f=hide-sev-error,hide-sev-warning,hide-sev-info", "6", "0", False),
])
def test_rendered_dom_after_filters(chromium, report_file, fragment, beads, flags, error_mark_on):
    """The DOM after the page's script ran: what is shown follows the filters (set from the URL fragment)."""
    dom = chromium(report_file.as_uri() + fragment, "--dump-dom")
    assert "js" in _classes(dom, r"<body[^>]*>")
    assert _text_of(dom, "shown-beads") == beads
    assert _text_of(dom, "shown-flags") == flags
    assert ("on" in _classes(dom, r'<mark [^>]*data-f="1"[^>]*>')) is error_mark_on
    assert len(re.findall(r'<div class="bead ', dom)) == 6  # filtering hides, never removes
    for name in re.findall(r"hide-sev-(\w+)", fragment):
        assert not re.search(rf'<input[^>]*value="{name}"[^>]*checked', dom)


def test_hostile_text_is_inert_in_the_rendered_dom(chromium, report_file):
    dom = chromium(report_file.as_uri(), "--dump-dom")
    assert "PWNED" not in re.search(r"<title>(.*?)</title>", dom).group(1)
    assert "data-pwned" not in dom and "<img" not in dom
    assert "&lt;script&gt;window.__pwned=1" in dom


def test_cli_screenshot_is_not_blank(chromium, report_file, tmp_path):
    shot = tmp_path / "report.png"
    chromium(report_file.as_uri(), f"--screenshot={shot}")
    _assert_not_blank(shot.read_bytes())


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("chromium and chromedriver are not installed (run `make browser`)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"cannot start headless chromium: {exc}")
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(browser, report_file):
    browser.get(report_file.as_uri())
    return browser


def _shown(driver, css: str) -> int:
    return driver.execute_script(
        "return Array.prototype.filter.call(document.querySelectorAll(arguments[0]),"
        " function (e) { return e.offsetParent !== null; }).length;", css)


def _click(driver, selector: str) -> None:
    driver.execute_script("document.querySelector(arguments[0]).click();", selector)


def test_script_ran_and_every_bead_is_rendered(page):
    assert page.execute_script("return document.body.classList.contains('js')")
    assert _shown(page, ".bead") == 6
    assert page.find_element("id", "shown-beads").text == "6"
    assert page.find_element("id", "shown-flags").text == "6"


def test_hostile_text_is_shown_not_executed(page):
    assert page.execute_script("return window.__pwned === undefined")
    assert page.execute_script("return document.querySelectorAll('img').length") == 0
    texts = [e.text for e in page.find_elements("css selector", ".bead .sent")]
    assert any(HOSTILE in t for t in texts)
    assert page.title != "PWNED" and page.execute_script("return document.body.dataset.pwned") is None


def test_severity_filter_hides_notes_and_highlights(page):
    sel_note = '.note[data-f="1"]'  # the error flag 'untranslated'
    mark = page.find_element("css selector", 'mark[data-f="1"]')
    assert _shown(page, sel_note) == 1 and "on" in mark.get_attribute("class").split()
    _click(page, 'input[name="sev"][value="error"]')
    try:
        assert _shown(page, sel_note) == 0
        assert "on" not in mark.get_attribute("class").split()
        assert page.execute_script("return getComputedStyle(arguments[0]).backgroundColor", mark) == "rgba(0, 0, 0, 0)"
        glued = page.find_element("css selector", 'mark[data-f="0"]')  # a warning: untouched
        assert "on" in glued.get_attribute("class").split()
        assert page.find_element("id", "shown-flags").text == "4"  # 6 flags, 2 of them errors
    finally:
        _click(page, 'input[name="sev"][value="error"]')
    assert _shown(page, sel_note) == 1 and "on" in mark.get_attribute("class").split()


def test_category_filter_hides_table_rows(page):
    assert _shown(page, 'tr.cat-boilerplate') == 2
    _click(page, 'input[name="cat"][value="boilerplate"]')
    try:
        assert _shown(page, 'tr.cat-boilerplate') == 0
        assert _shown(page, '.note.cat-glued') == 1
    finally:
        _click(page, 'input[name="cat"][value="boilerplate"]')


def test_bead_filters(page):
    _click(page, 'input[name="dropped"]')
    assert _shown(page, ".bead") == 4 and page.find_element("id", "shown-beads").text == "4"
    _click(page, 'input[name="dropped"]')
    _click(page, 'input[name="flagged"]')
    assert _shown(page, ".bead") == 4  # beads 1, 2, 4 (de-fr) and 2 (tl-it) carry flags
    _click(page, 'input[name="flagged"]')
    assert _shown(page, ".bead") == 6


def test_no_network_requests(page):
    """Only the file itself (and the browser's own chrome:// pages) is ever requested."""
    import json

    urls = []
    for entry in page.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    assert any(u.endswith("report.html") for u in urls)
    assert not [u for u in urls if not u.startswith(("file:", "data:", "chrome:", "about:"))], urls


def _png_pixels(png: bytes, max_rows: int = 450) -> tuple[int, int, int, bytes]:
    """Minimal PNG decoder (8-bit RGB/RGBA, not interlaced), enough for a screenshot: the top `max_rows` rows."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", data[:10])
            assert depth == 8 and color in (2, 6)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    height = min(height, max_rows)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, b"".join(rows)


def test_screenshot_is_not_blank(page):
    _assert_not_blank(page.get_screenshot_as_png())


def test_clicks_update_the_url_fragment(page, report_file):
    """A filtered view can be shared: the fragment records the active filters."""
    _click(page, 'input[name="sev"][value="info"]')
    try:
        assert page.execute_script("return location.hash") == "#f=hide-sev-info"
    finally:
        _click(page, 'input[name="sev"][value="info"]')
    assert page.execute_script("return location.hash") == ""


def _assert_not_blank(png: bytes) -> None:
    width, height, bpp, pixels = _png_pixels(png)
    assert width >= 800 and height >= 400
    colours = {pixels[i:i + 3] for i in range(0, len(pixels), bpp * 7)}
    assert len(colours) > 50  # text, badges, highlights: far from a blank page
    dark = sum(1 for i in range(0, len(pixels), bpp * 5) if sum(pixels[i:i + 3]) < 200)
    assert dark > 1000  # the dark header band and the text are painted
