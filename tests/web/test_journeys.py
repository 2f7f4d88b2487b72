"""End-to-end journeys in Chromium against a served app (marker ``browser``).

(1) Herning's finance officer downloads a template, uploads a file with errors, sees
them, fixes the file, uploads it and submits. (2) The secretariat sees it on the board,
rejects it with a comment; the officer sees the comment, corrects and re-submits; the
secretariat approves and publishes the ledelsesinformation. And: login and upload work
with the keyboard alone. axe runs on every page visited (0 serious/critical).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.conftest import DEMO, Ui

pytestmark = pytest.mark.browser


def _filled(template: str, *, bad: bool = False, marker: int = 0) -> bytes:
    lines = template.strip().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        offer, name = line.split(";")[:2]
        regnskab = "abc" if bad and i == 0 else str(2_000_000 + 1000 * marker + i)
        out.append(f"{offer};{name};{regnskab};12;0;0;;2017")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _csv_file(data: bytes, name: str = "regnskab-herning.csv") -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": data}


def _open_regnskab_2017(ui: Ui) -> None:
    ui.page.get_by_role("link", name="Regnskab 2017").click()
    ui.seen()


def _download_template(ui: Ui) -> str:
    with ui.page.expect_download() as info:
        ui.page.get_by_role("link", name="Hent skabelonen som CSV").click()
    path = info.value.path()
    assert info.value.suggested_filename.endswith(".csv")
    return Path(path).read_bytes().decode("utf-8-sig")


def _upload(ui: Ui, data: bytes) -> None:
    ui.page.get_by_label("Fil med indberetningen").set_input_files(_csv_file(data))
    ui.page.get_by_role("button", name="Indlæs fil").click()
    ui.seen()


def test_officer_and_secretariat_journeys(ui: Ui) -> None:
    page = ui.page
    # (1) the finance officer
    ui.login("herning")
    assert page.url.endswith("/indberetning")
    assert page.get_by_role("heading", name="Indberetning").is_visible()
    _open_regnskab_2017(ui)
    template = _download_template(ui)
    _upload(ui, _filled(template, bad=True))
    summary = page.get_by_role("alert")
    assert "Filen er ikke indlæst" in summary.inner_text()
    # the keyboard and screen-reader focus is on the error summary, not on <body>
    assert page.evaluate("document.activeElement.id") == "fejlopsummering"
    errors = page.get_by_role("table", name=re.compile("Fejl i filen"))
    first = errors.get_by_role("row").nth(1).inner_text()
    assert "2" in first and "C" in first and "abc" in first and "ikke et tal" in first
    _upload(ui, _filled(template))
    assert "er indlæst som kladde" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name=re.compile(r"Indsend version \d+")).click()
    ui.seen()
    assert "er indsendt til sekretariatet" in page.get_by_role("status").inner_text()
    ui.logout()

    # (2) the secretariat rejects with a comment
    ui.login("sekretariat")
    assert page.url.endswith("/sekretariat")
    ui.visit("/sekretariat?aar=2017")
    card = page.get_by_role("region", name=re.compile("Herning: Regnskab 2017"))
    card.get_by_label(re.compile("Kommentar til Herning")).fill(
        "Belægningen ser for høj ud; tjek den."
    )
    card.get_by_role("button", name="Afvis").click()
    ui.seen()
    assert "Afvist: Herning" in page.get_by_role("status").inner_text()
    ui.logout()

    # the officer sees the comment, corrects and re-submits
    ui.login("herning")
    _open_regnskab_2017(ui)
    assert "Belægningen ser for høj ud; tjek den." in page.locator("#seneste").inner_text()
    _upload(ui, _filled(template, marker=1))
    page.get_by_role("button", name=re.compile(r"Indsend version \d+")).click()
    ui.seen()
    ui.logout()

    # the secretariat approves and publishes the ledelsesinformation
    ui.login("sekretariat")
    ui.visit("/sekretariat?aar=2017")
    card = page.get_by_role("region", name=re.compile("Herning: Regnskab 2017"))
    card.get_by_role("button", name="Godkend").click()
    ui.seen()
    assert "Godkendt: Herning" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Ledelsesinformation 2017").click()
    ui.seen()
    assert (
        "Kladde" in page.get_by_role("heading", level=1).inner_text()
        or page.get_by_text("Kladde – ikke offentliggjort").is_visible()
    )
    # the checklist, then the confirmation naming the version (issue 20, item 6)
    assert page.get_by_role("heading", name="Klar til offentliggørelse?").is_visible()
    page.get_by_role("link", name="Gå til offentliggørelse af 2017").click()
    ui.seen()
    page.get_by_role("button", name=re.compile(r"Offentliggør som version \d+")).click()
    ui.seen()
    assert "er offentliggjort som version" in page.get_by_role("status").inner_text()
    ui.logout()

    # a DASSOS member now reads the published edition
    ui.login("dassos")
    ui.visit("/ledelsesinformation/2017")
    assert page.get_by_text(re.compile("Offentliggjort version")).is_visible()
    assert page.get_by_role("table", name=re.compile("Tabel A")).is_visible()


def test_keyboard_only_login_and_upload(ui: Ui) -> None:
    page = ui.page
    email, password = DEMO["aarhus"]
    ui.visit("/log-ind")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Gå til sidens indhold"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/indberetning$"))
    ui.seen()
    # reach the period's link with Tab and follow it with Enter
    link = page.get_by_role("link", name="Regnskab 2017")
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the period link cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/indberetning/\d+$"))
    ui.seen()
    file_input = page.get_by_label("Fil med indberetningen")
    for _ in range(40):
        page.keyboard.press("Tab")
        if file_input.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the file field cannot be reached with Tab")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(_csv_file(b"Tilbuds-ID;Regnskab\r\nx;1\r\n", "forkert.csv"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Indlæs fil"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.seen()
    assert "Filen er ikke indlæst" in page.get_by_role("alert").inner_text()


def test_secretariat_opens_and_closes_a_period_and_filters_the_board(ui: Ui) -> None:
    """The period pages (list, new with an error, edit) and the filtered board, axe on each."""
    page = ui.page
    ui.login("sekretariat")
    page.get_by_role("link", name="Indberetningsperioder (opret, ret frist, luk)").click()
    ui.seen()
    page.get_by_role("link", name="Opret periode").click()
    ui.seen()
    page.get_by_label("Datastrøm").select_option("belaegning")
    page.get_by_label("År").fill("2031")
    page.get_by_label("Frist").fill("2032-04-28")
    page.get_by_role("button", name="Opret periode").click()
    ui.seen()
    assert "Belægning indberettes pr. kvartal" in page.get_by_role("alert").inner_text()
    page.get_by_label("Kvartal").select_option("1")
    page.get_by_role("button", name="Opret periode").click()
    ui.seen()
    status = page.get_by_role("status").inner_text()
    assert "Belægning 2031, 1. kvartal er oprettet med frist 28.04.2032." in status
    page.get_by_role("link", name="Ret frist eller status for Belægning 2031, 1. kvartal").click()
    ui.seen()
    page.get_by_label("Lukket").check()
    page.get_by_role("button", name="Gem ændringer").click()
    ui.seen()
    assert (
        "Belægning 2031, 1. kvartal: perioden er lukket." in page.get_by_role("status").inner_text()
    )
    ui.visit("/sekretariat?aar=2017&stroem=regnskab&status=mangler")
    board = page.get_by_role("table", name=re.compile("kun Regnskab; Mangler"))
    assert "har indsendt" in board.get_by_role("columnheader").nth(1).inner_text()
