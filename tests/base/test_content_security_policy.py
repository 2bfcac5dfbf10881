"""A strict Content-Security-Policy on every page: scripts and styles only from /static/, no
inline code, no inline style, no framing; the templates hold nothing the policy would refuse."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import World
from tests.test_tenancy import OBJECT_URLS, url_names

TEMPLATES = Path(settings.BASE_DIR) / "templates"
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
EVIDENCE_POLICY = (
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


def url_parameters(resolver: URLResolver | None = None, prefix: str = "") -> dict[str, list[str]]:
    """The parameters' names of every named URL."""
    found: dict[str, list[str]] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found.update(url_parameters(entry, namespace))
        elif isinstance(entry, URLPattern) and entry.name:
            found[f"{prefix}{entry.name}"] = list(entry.pattern.regex.groupindex)
    return found


def test_the_settings_hold_the_documented_policy(client: Client, world: World) -> None:
    header = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert directives(header) == directives(POLICY)


@pytest.mark.parametrize("name", sorted(name for name, _ in url_names()))
def test_every_url_sends_the_policy_and_no_store(client: Client, world: World, name: str) -> None:
    if name in OBJECT_URLS:
        kwargs = OBJECT_URLS[name](world)
    else:  # a public URL: any value, and the page answers 404 with the same headers
        kwargs = dict.fromkeys(url_parameters()[name], "tidak-ada")
    url = reverse(name, kwargs=kwargs)
    # As the agency's administrator (pages), as a supervisor (cases, screening), as a visitor.
    for persona in (world.admin, world.supervisor, None):
        if persona is None:
            client.logout()
        else:
            client.force_login(persona)
        response = client.get(url)
        header = response["Content-Security-Policy"]
        if name == "cases:evidence" and response.status_code == 200:
            assert directives(header) == directives(EVIDENCE_POLICY)
        else:
            assert directives(header) == directives(POLICY), (name, response.status_code)
        assert "no-store" in response["Cache-Control"], (name, response.status_code)
        if response.streaming:  # a file: its headers are what matters; read to its end, since
            # closing it by hand would close the test's database connection on PostgreSQL
            b"".join(response.streaming_content)  # type: ignore[arg-type]
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], name


def test_the_evidence_policy_is_at_least_as_strict_as_the_pages() -> None:
    pages, evidence = directives(POLICY), directives(EVIDENCE_POLICY)
    assert evidence["default-src"] == "'none'"
    assert "sandbox" in evidence
    for name in ("base-uri", "frame-ancestors"):
        assert evidence[name] == pages[name] == "'none'"
    assert evidence["form-action"] == "'none'"


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """What the policy refuses in a page or template: inline scripts (a JSON data block is not
    code), on*= handlers, javascript: URLs, style attributes and <style> elements."""
    found = []
    for attributes, body in SCRIPT.findall(html):
        if "application/json" in attributes:
            continue
        if "src=" not in attributes or body.strip():
            found.append(f"<script{attributes}>{body.strip()[:40]}")
    for tag in TAG.findall(html):
        if HANDLER.search(tag) or STYLE_ATTRIBUTE.search(tag):
            found.append(tag[:80])
    if re.search(r"<style\b", html, re.IGNORECASE):
        found.append("<style>")
    if re.search(r"javascript:", html, re.IGNORECASE):
        found.append("javascript:")
    return found


def test_no_template_holds_inline_script_handler_or_style() -> None:
    found = {
        str(path.relative_to(TEMPLATES)): inline_code(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES.rglob("*.html"))
    }
    assert {path: items for path, items in found.items() if items} == {}


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script src="/static/x.js">alert(1)</script>',
        '<button onclick="go()">x</button>',
        '<a href="javascript:go()">x</a>',
        '<li style="--depth: 2">x</li>',
        "<style>p { color: red }</style>",
    ],
)
def test_the_template_check_catches_what_the_policy_refuses(html: str) -> None:
    assert inline_code(html) != []


def test_the_template_check_passes_scripts_from_static_and_data_blocks() -> None:
    html = (
        '<script src="/static/netral/netral.js" defer></script>'
        '<script id="units" type="application/json">[1]</script>'
        '<button data-confirm="Yakin?">x</button><svg viewBox="0 0 1 1"><rect width="1"/></svg>'
    )
    assert inline_code(html) == []
