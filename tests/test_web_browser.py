"""The web app in a real browser: Debian's chromium driven by Selenium through Debian's chromedriver (passed
explicitly, so Selenium Manager never tries to download one). One Chromium session for the whole story:

    a department filler fills a fact and sees LA-VETO go insufficient → gap → met, and uploads evidence;
    the coordinator requests a waiver and submits; the inspector verifies a fact, approves the waiver and
    downloads the memo docx, which opens with python-docx.

Every page is checked for console errors; a CSP violation is one. Screenshots of the main pages go to
$FAZHI_SCREENSHOTS (scripts/screenshots.sh sets it to docs/images/).
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from web_support import PASSWORD, fresh_store, populate

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
KEY = "legal_advisers.major_matters.proceeded_uncleared"


def _need_browser() -> None:
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium and chromedriver are needed in CI")
        pytest.skip("no chromium/chromedriver")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    _need_browser()
    import uvicorn
    from fazhi.web.app import create_app
    store = fresh_store("sqlite", tmp_path_factory.mktemp("browser"))
    ids = populate(store)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids, store
    srv.should_exit = True
    thread.join(5)
    store.engine.dispose()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


def _check_console(driver) -> None:
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]
    assert not errors, errors


def _shot(driver, name: str) -> None:
    folder = os.environ.get("FAZHI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def _login(driver, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By
    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    _press(driver, "login-button")
    _check_console(driver)


def _press(driver, element_id) -> None:
    """Click a button (an id or an element) that posts a form, and wait until the browser has left the page it was on.

    Selenium's click can return before the navigation it started has replaced the document; a
    find_element issued then hits the old page or a blank one in between (CI saw this once, after the
    waiver request, as a missing #case-status; a loaded machine shows it most runs). Watching the
    clicked element go stale is not enough either: while the document is being swapped chromedriver
    can answer with "Node ... does not belong to the document". So the old page gets a mark, and the
    wait ends when a page without the mark has finished loading; driver errors meanwhile are retried."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    button = driver.find_element(By.ID, element_id) if isinstance(element_id, str) else element_id
    driver.execute_script("window.__fazhiLeftBehind = true")
    button.click()
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return !window.__fazhiLeftBehind && document.readyState === 'complete'"))


def _verdict(driver, requirement: str) -> str:
    from selenium.webdriver.common.by import By
    classes = driver.find_element(By.CSS_SELECTOR, f'[data-requirement="{requirement}"]').get_attribute("class")
    return next(c[2:] for c in classes.split() if c.startswith("v-"))


def test_the_whole_story_in_chromium(server, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    base, ids, store = server
    d = browser
    case = f"{base}/d/{ids['macun']}/2020"

    _login(d, base, "scj")  # the department filler
    _shot(d, "district-home")
    d.get(case + "/domain/legal-advisers")
    assert _verdict(d, "LA-VETO") == "insufficient_facts"
    for value, verdict in (("2", "gap"), ("0", "met")):
        box = d.find_element(By.ID, f"value-{KEY}")
        box.clear()
        box.send_keys(value)
        _press(d, f"save-{KEY}")
        _check_console(d)
        assert d.find_element(By.ID, "saved")
        assert _verdict(d, "LA-VETO") == verdict
    _shot(d, "domain-form")
    evidence = tmp_path / "纪要.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    d.find_element(By.ID, f"file-{KEY}").send_keys(str(evidence))
    d.execute_script("arguments[0].value = '2020-06-30'", d.find_element(By.ID, f"evdate-{KEY}"))
    _press(d, f"upload-{KEY}")
    _check_console(d)
    assert "纪要.pdf" in d.page_source

    _login(d, base, "coord")  # the coordinator asks for a waiver and submits
    d.get(case)
    Select(d.find_element(By.ID, "waiver-requirement")).select_by_index(0)
    waived = Select(d.find_element(By.ID, "waiver-requirement")).first_selected_option.get_attribute("value")
    d.find_element(By.ID, "waiver-justification").send_keys("2020年疫情期间无法按期完成")
    d.execute_script("arguments[0].value = '2099-12-31'", d.find_element(By.ID, "waiver-expires"))
    _press(d, "waiver-submit")
    _check_console(d)
    _press(d, "submit-case")
    _check_console(d)
    assert d.find_element(By.ID, "case-status").text.startswith("已报送")

    _login(d, base, "insp")  # the inspector
    _shot(d, "inspector-region")
    _press(d, d.find_element(By.CSS_SELECTOR, "#waiver-queue button[value=approve]"))
    _check_console(d)
    d.get(case + "/domain/reconsideration-litigation")
    box = d.find_element(By.ID, "verify-value-litigation.cases_handled")
    box.clear()
    box.send_keys("15")
    d.find_element(By.ID, "verify-note-litigation.cases_handled").send_keys("核对法院系统")
    _press(d, "verify-litigation.cases_handled")
    _check_console(d)
    d.get(case)
    assert waived in d.find_element(By.ID, "waivers").text and "approved" in d.find_element(By.ID, "waivers").text
    d.get(case + "/view/report")
    _check_console(d)
    _shot(d, "gap-report")
    d.get(case + "/audit")
    _shot(d, "audit-log")
    d.get(case)
    d.find_element(By.ID, "download-memo-docx").click()
    deadline = time.time() + 30
    found = []
    while time.time() < deadline:
        found = [p for p in d.downloads.iterdir() if p.suffix == ".docx"]
        if found:
            break
        time.sleep(0.2)
    assert found, "the memo docx was not downloaded"
    import docx
    assert any("整改" in p.text for p in docx.Document(str(found[0])).paragraphs)
    _check_console(d)
    from sqlalchemy import select
    from fazhi.web import models as m
    with store.session() as s:
        assert s.scalar(select(m.Verification.value).where(m.Verification.fact == "litigation.cases_handled")) == 15
