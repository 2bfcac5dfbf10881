"""The layout check: every page an officer reaches from the navigation, as every demo role, at a
phone's 360x740 and a desktop's 1280x800. It fails on horizontal overflow, an in-app link that
answers 4xx or 5xx, English on an Indonesian page, a tap target under 40 px on the phone, and a
serious or critical WCAG 2.1 AA violation found by axe-core, and on chart labels cut off.

axe-core comes from the npm registry at test time into a cache folder (never the repository);
each distinct URL pattern is checked once, so the crawl stays within a few minutes."""

from __future__ import annotations

import os
import re
import subprocess
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, Page

from netral.demo.seed import DEMO_PASSWORD, demo_seed
from tests.factories import migrated_data_load

AXE_VERSION = "4.10.2"
AXE_DIR = Path(os.environ.get("NETRAL_AXE_DIR", Path.home() / ".cache" / "netral-axe"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
ROLES = [
    "demo.admin",
    "demo.koordinator",
    "demo.pengawas",
    "demo.ppk",
    "demo.pemantau",
    "demo.provinsi",
]
MAX_PAGES_PER_ROLE = 40
# Files and actions, not pages: downloads are checked by their own tests, and following "log
# out" or a language switch would end the crawl.
SKIP = re.compile(r"\.(pdf|xlsx|csv|zip|json|png|svg)$|/keluar/|/i18n/|/layar/")
# English words that no Indonesian sentence uses; two distinct ones on a page mean English text.
ENGLISH = {
    "the", "and", "with", "your", "you", "this", "that", "from", "are", "is", "has", "have",
    "will", "please", "of", "for", "not", "yet", "signed", "sign", "must", "employees",
    "campaign", "campaigns", "case", "cases", "back", "save", "search",
    "download", "reminders", "none", "nothing", "here", "there", "which", "who", "what",
}  # fmt: skip
TEXT_SCRIPT = """() => {
  const skip = 'script,style,code,pre,textarea,[lang]:not([lang^="id"]),[data-testid="data"]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest(skip) || !parent.getClientRects().length) continue;
    parts.push(walker.currentNode.textContent);
  }
  return parts.join(' ');
}"""
SMALL_TARGETS_SCRIPT = """() => {
  const selector = 'button, select, a.button, nav a, header a, .tabs a, .pagination a,'
    + ' input:not([type=hidden]):not([type=checkbox]):not([type=radio])';
  return [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map(el => ({el, box: el.getBoundingClientRect()}))
    .filter(({box}) => box.height < 40 && box.width > 0)
    .map(({el, box}) => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '')
      .trim().slice(0, 40)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
}"""
CLIPPED_CHART_TEXT_SCRIPT = """() => [...document.querySelectorAll('svg.chart text')]
  .filter(text => {
    const chart = text.ownerSVGElement.getBoundingClientRect();
    const box = text.getBoundingClientRect();
    return box.left < chart.left - 1 || box.right > chart.right + 1;
  })
  .map(text => text.textContent.slice(0, 40))"""
AXE_SCRIPT = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): `
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def axe_script() -> Path:
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(AXE_DIR), "--no-save", "--no-audit", "--no-fund",
             f"axe-core@{AXE_VERSION}"],
            check=True,
            timeout=300,
        )  # fmt: skip
    return script


def pattern(path: str) -> str:
    """The URL pattern a path answers to ("unit/<str:code>/"): one visit checks them all."""
    try:
        return resolve(path).route
    except Resolver404:
        return path


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def links(page: Page, base: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(parts.path):
            continue
        found.append(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    return found


def page_problems(page: Page, viewport: dict[str, int], axe: Path) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"]:
        problems.append(f"overflows sideways: {width} px wide at {viewport['width']} px")
    words = set(re.findall(r"[a-z]+", page.evaluate(TEXT_SCRIPT).lower()))
    english = sorted(words & ENGLISH)
    if len(english) >= 2:
        problems.append(f"English words: {', '.join(english)}")
    clipped = page.evaluate(CLIPPED_CHART_TEXT_SCRIPT)
    if clipped:
        problems.append(f"chart labels cut off: {', '.join(clipped[:5])}")
    if viewport is PHONE:
        small = page.evaluate(SMALL_TARGETS_SCRIPT)
        if small:
            problems.append(f"tap targets under 40 px: {'; '.join(small[:5])}")
    page.add_script_tag(path=str(axe))
    for violation in page.evaluate(AXE_SCRIPT):
        problems.append(f"axe: {violation}")
    return problems


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    settings.NETRAL_REQUIRE_2FA = False
    migrated_data_load()
    demo_seed(size=120)


def test_every_page_of_every_role_fits_reads_indonesian_and_passes_axe(
    browser: Browser, live_server: Any, demo: None
) -> None:
    axe = axe_script()
    base = live_server.url
    checked: set[str] = set()
    problems: list[str] = []
    for role in ROLES:
        # The CSP forbids the injected axe-core script; test_content_security_policy_e2e checks
        # that the pages themselves need no exception.
        phone = browser.new_context(locale="id-ID", viewport=PHONE, bypass_csp=True)
        desktop = browser.new_context(locale="id-ID", viewport=DESKTOP, bypass_csp=True)
        pages = {PHONE["width"]: phone.new_page(), DESKTOP["width"]: desktop.new_page()}
        for viewport in (PHONE, DESKTOP):
            log_in(pages[viewport["width"]], base, role)
        seen: set[str] = set()
        queue = deque(["/"])
        while queue and len(seen) < MAX_PAGES_PER_ROLE:
            path = queue.popleft()
            key = pattern(path.split("?")[0])
            if key in seen:
                continue
            seen.add(key)
            page = pages[PHONE["width"]]
            response = page.goto(f"{base}{path}")
            status = response.status if response else 0
            if status >= 400:
                problems.append(f"{role} {path}: answers {status}")
                continue
            queue.extend(links(page, base))
            if key in checked:
                continue  # the same pattern was checked for another role
            checked.add(key)
            for viewport in (PHONE, DESKTOP):
                shown = pages[viewport["width"]]
                if viewport is DESKTOP:
                    shown.goto(f"{base}{path}")
                if os.environ.get("NETRAL_LAYOUT_SHOTS"):  # a folder to look at every page in
                    name = re.sub(r"\W+", "-", f"{role}{key}-{viewport['width']}")
                    shown.screenshot(
                        path=f"{os.environ['NETRAL_LAYOUT_SHOTS']}/{name}.png", full_page=True
                    )
                for problem in page_problems(shown, viewport, axe):
                    problems.append(f"{role} {path} at {viewport['width']} px: {problem}")
        phone.close()
        desktop.close()
    assert len(checked) > 15, f"the crawl reached too few pages: {sorted(checked)}"
    assert not problems, "\n" + "\n".join(problems)
