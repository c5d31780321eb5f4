#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""io-pgtable-bench as LAVA jobs.

  job       write a LAVA v2 job for a device type (lava/device-types/<type>.yaml:
            its deploy and boot actions) plus the suite's test action
  validate  check job files with LAVA's own schema (Debian's lava-common)
  submit    submit job files to a lab with lavacli; prints the job ids
  fetch     a finished job's log from the lab (lavacli) into results/<device>/<run-id>/
  parse     the same from a recorded job log (lavacli jobs logs --raw, or
            lava-run's output.yaml)
  run       run a job on this machine with LAVA's dispatcher (lava-run) and
            parse it

A job's results are the Google Benchmark JSON files lava/board-run.sh
printed into the log (gzip, base64, sha256); they land exactly where a
local `make bench` puts its own, with the board and the job in their
context. A job that failed, timed out or was cut short yields one line
saying so and no results directory.
"""

import argparse
import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
import zlib

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVICE_TYPES = os.path.join(ROOT, "lava", "device-types")
TESTDEF = "lava/testdef/io-pgtable-bench.yaml"
TEST_NAME = "io-pgtable-bench"
# Minutes the test action may take, by profile (TIMEOUT= overrides).
TEST_MINUTES = {"quick": 45, "full": 360, "cmp": 60}


class LavaError(Exception):
    """One line for the user; the command exits non-zero."""


# ------------------------------------------------------------------- jobs

def device_types():
    return sorted(f[:-5] for f in os.listdir(DEVICE_TYPES) if f.endswith(".yaml"))


def load_template(device_type, values):
    """The device type's template with ${VAR}s filled from values."""
    path = os.path.join(DEVICE_TYPES, device_type + ".yaml")
    if not re.match(r"^[a-z0-9][a-z0-9_.-]*$", device_type) or not os.path.isfile(path):
        raise LavaError("unknown device type '%s' (known: %s)"
                        % (device_type, " ".join(device_types())))
    with open(path) as f:
        text = f.read()
    needs = yaml.safe_load(text).get("needs", {})
    missing = [k for k in needs if not values.get(k)]
    if missing:
        raise LavaError("device type %s needs %s" % (device_type, ", ".join(
            "%s= (%s)" % (k, needs[k]) for k in missing)))
    try:
        return yaml.safe_load(string.Template(text).substitute(values))
    except (KeyError, ValueError) as e:
        raise LavaError("%s: bad template variable %s" % (path, e))


def suite_definition(args):
    """The test action's definition: a make-dist tarball or a git tree."""
    params = {"PROFILE": args.profile, "FILTER": args.filter or "",
              "BACKENDS": args.backends or "", "KSRC": args.ksrc or "",
              "EMULATOR": args.emulator or ""}
    d = {"name": TEST_NAME, "path": TESTDEF, "parameters": params}
    if args.dist_url and args.git:
        raise LavaError("give DIST_URL= or GIT=, not both")
    if args.dist_url:
        if not re.search(r"\.tar\.gz$", args.dist_url):
            raise LavaError("DIST_URL=%s: expected the .tar.gz of make dist ARCH=arm64"
                            % args.dist_url)
        d.update({"from": "url", "repository": args.dist_url, "compression": "gz"})
    elif args.git:
        d.update({"from": "git", "repository": args.git, "history": False})
        if args.ref:
            d["revision"] = args.ref
    else:
        raise LavaError("the suite comes from DIST_URL=<url of make dist ARCH=arm64's "
                        "tarball> or GIT=<repository> [REF=<commit>]")
    return d


def make_job(args):
    tmpl = load_template(args.device_type, dict(args.values))
    if tmpl.get("emulator") and not args.emulator:
        args.emulator = tmpl["emulator"]
    if args.profile not in TEST_MINUTES:
        raise LavaError("PROFILE=%s: expected quick, full or cmp" % args.profile)
    test_min = args.timeout or TEST_MINUTES[args.profile]
    t = tmpl.get("timeouts", {})
    actions = []
    for a in tmpl["actions"]:
        kind = next(iter(a))
        a[kind]["timeout"] = {"minutes": int(t.get(kind, 10))}
        actions.append(a)
    definition = suite_definition(args)
    actions.append({"test": {"timeout": {"minutes": test_min},
                             "definitions": [definition]}})
    total = test_min + sum(int(v) for v in t.values()) + 5
    source = definition["repository"] + (
        "@" + args.ref if args.git and args.ref else "")
    job = {
        "job_name": "%s %s %s" % (TEST_NAME, args.device_type, args.profile),
        "device_type": args.device_type,
        "visibility": "public",
        "priority": "medium",
        "timeouts": {"job": {"minutes": total}, "connection": {"minutes": 2}},
        "metadata": {"io-pgtable-bench.profile": args.profile,
                     "io-pgtable-bench.filter": args.filter or "",
                     "io-pgtable-bench.backends": args.backends or "all",
                     "io-pgtable-bench.source": source,
                     "io-pgtable-bench.emulator": args.emulator or "no"},
        "actions": actions,
    }
    if tmpl.get("context"):
        job["context"] = tmpl["context"]
    validate(job)
    return job


def validate(job, name="job"):
    try:
        from lava_common.schemas import validate as lava_validate
        from voluptuous import Invalid
    except ImportError:
        raise LavaError("LAVA's schema validator is missing: install lava-common (make deps)")
    try:
        lava_validate(job, strict=True)
    except Invalid as e:
        raise LavaError("%s fails LAVA's job schema: %s" % (name, e))


def validate_testdef(path):
    from lava_common.schemas.test.testdef import validate as td_validate
    from voluptuous import Invalid
    with open(path) as f:
        data = yaml.safe_load(f)
    try:
        td_validate(data)
    except Invalid as e:
        raise LavaError("%s fails LAVA's test definition schema: %s" % (path, e))


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".lava-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def cmd_job(args):
    job = make_job(args)
    text = ("# %s: generated by scripts/lava.py job (make lava-job)\n"
            % args.device_type) + yaml.safe_dump(job, sort_keys=False)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        print("lava-job: %s (%s, validated)" % (args.output, args.device_type))


def cmd_validate(args):
    for path in args.files:
        try:
            with open(path) as f:
                data = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            raise LavaError("%s: not a readable YAML file (%s)" % (path, str(e).splitlines()[0]))
        if isinstance(data, dict) and "metadata" in data and "run" in data:
            validate_testdef(path)
        else:
            validate(data, path)
        print("lava-validate: %s ok" % path)


# ------------------------------------------------------------- the lab

def lavacli(identity, *argv):
    cmd = ["lavacli"] + (["-i", identity] if identity else []) + list(argv)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except FileNotFoundError:
        raise LavaError("lavacli is not installed (make deps: scripts/deps.sh --lava)")
    except subprocess.TimeoutExpired:
        raise LavaError("%s: no answer from the lab in 300 s" % " ".join(cmd))
    if p.returncode:
        why = (p.stderr.strip() or p.stdout.strip() or "exit %d" % p.returncode)
        raise LavaError("lab said no to '%s': %s" % (" ".join(argv[:2]), why.splitlines()[-1]))
    return p.stdout


def cmd_submit(args):
    for path in args.files:
        with open(path) as f:
            validate(yaml.safe_load(f), path)
        out = lavacli(args.identity, "jobs", "submit", path)
        ids = re.findall(r"\b\d+(?:\.\d+)?\b", out)
        if not ids:
            raise LavaError("lavacli accepted %s but printed no job id: %s" % (path, out.strip()))
        for i in ids:
            print("lava-submit: %s -> job %s (make lava-fetch JOB=%s)" % (path, i, i))


def cmd_fetch(args):
    bad = 0
    for job in args.jobs:
        try:
            info = yaml.safe_load(lavacli(args.identity, "jobs", "show", job, "--yaml"))
            check_finished(job, info)
            log = lavacli(args.identity, "jobs", "logs", job, "--raw")
            where = "lavacli%s" % (" -i " + args.identity if args.identity else "")
            dtype = info.get("device_type") or ""
            store(parse_log(log, job), job, info.get("device") or "unknown-device",
                  dtype, where, args.results, emulator_of(dtype))
        except LavaError as e:
            print("lava-fetch: job %s: %s" % (job, e), file=sys.stderr)
            bad += 1
    if bad:
        sys.exit(1)


def check_finished(job, info):
    if not isinstance(info, dict):
        raise LavaError("lavacli printed no job details")
    state, health = info.get("state", "?"), info.get("health", "?")
    if state != "Finished":
        raise LavaError("still %s (health %s): fetch it when it has finished" % (state, health))
    if health != "Complete":
        why = info.get("failure_comment") or "see the job's log in the lab"
        raise LavaError("ended %s on %s: %s; no results taken"
                        % (health, info.get("device", "?"), why))


# ---------------------------------------------------------------- parse

BEGIN = re.compile(r"IOPGT-JSON-BEGIN ([a-z0-9_.-]+) ([0-9a-f]{64})\s*$")
END = "IOPGT-JSON-END"


def log_entries(text):
    """A job log as a list of {dt, lvl, msg}: lavacli's raw log is a YAML
    list, lava-run's stdout the same entries without the "- " (one YAML
    flow mapping a line), as lava-server stores them."""
    if text.lstrip().startswith("{"):
        entries, rest = [], []
        for n, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:	# most lines are JSON; YAML (slow) only for the others
                entries.append((n, json.loads(line)))
            except ValueError:
                rest.append((n, line))
        if rest:
            more = log_entries("".join("- %s\n" % l for _, l in rest))
            entries += zip((n for n, _ in rest), more)
        return [e for _, e in sorted(entries, key=lambda x: x[0])]
    try:
        entries = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise LavaError("the job log is not LAVA's YAML log (%s)" % str(e).splitlines()[0])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise LavaError("the job log is not LAVA's YAML log (a list of {dt, lvl, msg})")
    return entries


def parse_log(text, job="?"):
    """{backend: JSON document} from a complete, successful job log."""
    entries = log_entries(text)
    files, current, lines = {}, None, []
    verdict, job_result, errors = None, None, []
    for e in entries:
        lvl, msg = e.get("lvl"), e.get("msg")
        if lvl == "results" and isinstance(msg, dict):
            if msg.get("definition") == "lava" and msg.get("case") == "job":
                job_result = msg
            elif msg.get("case") == TEST_NAME:
                verdict = msg.get("result")
            continue
        if lvl == "error" and isinstance(msg, str):
            errors.append(msg)
        if lvl != "target" or not isinstance(msg, str):
            continue
        for line in msg.splitlines():
            line = line.strip()
            m = BEGIN.search(line)
            if m:
                current, lines = m.groups(), []
            elif line.endswith(END) and current:
                files[current[0]] = decode(current, lines)
                current = None
            elif current:
                lines.append(line)
    if job_result is not None and job_result.get("result") != "pass":
        why = job_result.get("error_msg") or (errors[-1] if errors else "")
        why = (str(why).strip().splitlines() or ["no reason logged"])[0]
        raise LavaError("job %s failed: %s" % (job, why))
    if verdict is None:
        raise LavaError("job %s: the log has no %s result (cut short or timed out%s)"
                        % (job, TEST_NAME, ": " + errors[-1] if errors else ""))
    if verdict != "pass":
        raise LavaError("job %s: %s reported a failure on the board%s"
                        % (job, TEST_NAME, ": " + errors[-1] if errors else ""))
    if current:
        raise LavaError("job %s: the JSON of %s is cut off in the log" % (job, current[0]))
    if not files:
        raise LavaError("job %s: the log carries no benchmark JSON" % job)
    return files


def decode(head, lines):
    backend, digest = head
    try:
        raw = gzip.decompress(base64.b64decode("".join(lines), validate=True))
    except (ValueError, OSError, EOFError, zlib.error):
        raise LavaError("the JSON of %s is corrupt in the log (base64/gzip)" % backend)
    if hashlib.sha256(raw).hexdigest() != digest:
        raise LavaError("the JSON of %s is corrupt in the log (sha256 differs)" % backend)
    try:
        return json.loads(raw)
    except ValueError:
        raise LavaError("the JSON of %s does not parse" % backend)


def store(files, job, device, device_type, server, results_root, emulator=None):
    """Write the run to <results>/<device>/<run-id>/, all files or none."""
    docs = {}
    run_id = None
    for backend, doc in sorted(files.items()):
        ctx = doc.get("context")
        if not isinstance(ctx, dict) or "benchmarks" not in doc:
            raise LavaError("job %s: %s is not Google Benchmark JSON" % (job, backend))
        run_id = run_id or ctx.get("run_id")
        ctx["board_hostname"] = ctx.get("host_name", "")
        ctx["host_name"] = ctx["host"] = device
        ctx["board"] = device
        ctx["device_type"] = device_type
        ctx["lava_job"] = str(job)
        ctx["lava_server"] = server
        if emulator:
            # A full-system emulator shows the guest a real CPU model: the
            # guest's own view is kept, as make vm-bench keeps it.
            ctx["emulated_in_guest"] = ctx.get("emulated", "")
            ctx["emulated"] = emulator
        docs[backend] = doc
    if not run_id or not re.match(r"^[0-9TZ]+-[0-9a-z]+(-dirty)?$", run_id):
        raise LavaError("job %s: no usable run_id in the results' context" % job)
    run_id = "%s-job%s" % (run_id, re.sub(r"[^0-9a-zA-Z.]", "", str(job)))
    dest = os.path.join(results_root, device, run_id)
    if os.path.exists(dest):
        print("lava: %s already holds job %s; left as it is" % (dest, job))
        return dest
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = tempfile.mkdtemp(dir=os.path.dirname(dest), prefix=".lava-")
    try:
        for backend, doc in docs.items():
            doc["context"]["run_id"] = run_id
            with open(os.path.join(tmp, backend + ".json"), "w") as f:
                json.dump(doc, f, indent=2)
        check_run(tmp, job)
        os.rename(tmp, dest)
    except OSError as e:
        raise LavaError("cannot write %s: %s" % (dest, e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("lava: job %s on %s -> %s (%s)" % (job, device, dest, " ".join(sorted(docs))))
    summary = os.path.join(ROOT, "scripts", "summary.py")
    if os.path.exists(summary):
        subprocess.run([sys.executable, summary, dest])
    return dest


def check_run(path, job):
    """What the board could not check without Python: every file loads as
    the other tools load it, and no benchmark reported an error."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import benchlib
    try:
        run = benchlib.load_run(path)
    except benchlib.BenchError as e:
        raise LavaError("job %s: %s" % (job, str(e).replace(path + "/", "")))
    errs = sorted(b.name for b in run.benches.values() if b.error)
    if errs:
        raise LavaError("job %s: %d benchmark(s) reported an error on the board, e.g. %s"
                        % (job, len(errs), errs[0]))


def emulator_of(device_type):
    path = os.path.join(DEVICE_TYPES, device_type + ".yaml")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return yaml.safe_load(f).get("emulator")


def cmd_parse(args):
    try:
        with open(args.log) as f:
            text = f.read()
    except OSError as e:
        raise LavaError("%s: %s" % (args.log, e.strerror))
    files = parse_log(text, args.job)
    store(files, args.job, args.device, args.device_type, args.server, args.results,
          emulator_of(args.device_type))


def cmd_run(args):
    """A job through this machine's dispatcher (lava-run), then parse."""
    if not shutil.which("lava-run"):
        raise LavaError("lava-run is not installed (scripts/deps.sh --lava-run)")
    out = os.path.abspath(args.output_dir)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    cmd = ["lava-run", "--job-id", str(args.job), "--output-dir", out,
           "--device", args.device_dict, args.job_file]
    print("lava-run: %s" % " ".join(cmd))
    # The job log is lava-run's stderr, one entry a line; anything else it
    # prints goes to stdout.
    log_path = os.path.join(out, "job.log")
    with open(log_path, "w") as log, open(os.path.join(out, "dispatcher.out"), "w") as other:
        try:
            rc = subprocess.run(cmd, stdout=other, stderr=log,
                                timeout=args.timeout * 60).returncode
        except subprocess.TimeoutExpired:
            raise LavaError("lava-run did not finish in %d minutes (see %s/job.log)"
                            % (args.timeout, out))
    if not os.path.getsize(log_path):
        raise LavaError("lava-run exited %d without a job log (see %s/dispatcher.out)"
                        % (rc, out))
    with open(log_path) as f:
        files = parse_log(f.read(), args.job)
    with open(args.device_dict) as f:
        device = (yaml.safe_load(f) or {}).get("hostname") or "qemu-local"
    store(files, args.job, device, args.device_type, "local lava-run", args.results,
          emulator_of(args.device_type))


# ----------------------------------------------------------------- main

def var_value(text):
    if not re.match(r"^[A-Z][A-Z0-9_]*=", text):
        raise argparse.ArgumentTypeError("expected VAR=VALUE, got '%s'" % text)
    return tuple(text.split("=", 1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    sub = ap.add_subparsers(dest="cmd", required=True)

    j = sub.add_parser("job", help="write a LAVA job for a device type")
    j.add_argument("--device-type", required=True)
    j.add_argument("--profile", default="quick")
    j.add_argument("--filter", default="")
    j.add_argument("--backends", default="")
    j.add_argument("--ksrc", default="", help="a kernel tree on the board (git builds)")
    j.add_argument("--dist-url", default="", help="URL of make dist ARCH=arm64's tarball")
    j.add_argument("--git", default="", help="a git repository of the suite to build on the board")
    j.add_argument("--ref", default="", help="the commit or branch of --git")
    j.add_argument("--emulator", default="", help="what emulates the device (default: the template's)")
    j.add_argument("--timeout", type=int, default=0, help="minutes for the test action")
    j.add_argument("--set", dest="values", action="append", default=[], metavar="VAR=VALUE",
                   type=var_value,
                   help="a template variable (KERNEL_URL=, DTB_URL=, ...)")
    j.add_argument("-o", "--output", default="-")
    j.set_defaults(func=cmd_job)

    v = sub.add_parser("validate", help="check jobs and test definitions with lava-common")
    v.add_argument("files", nargs="+")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("submit", help="submit jobs with lavacli")
    s.add_argument("--identity", default=os.environ.get("LAVA_IDENTITY", ""))
    s.add_argument("files", nargs="+")
    s.set_defaults(func=cmd_submit)

    f = sub.add_parser("fetch", help="fetch finished jobs into results/")
    f.add_argument("--identity", default=os.environ.get("LAVA_IDENTITY", ""))
    f.add_argument("--results", default=os.environ.get("RESULTS", "results"))
    f.add_argument("jobs", nargs="+")
    f.set_defaults(func=cmd_fetch)

    p = sub.add_parser("parse", help="a recorded job log into results/")
    p.add_argument("log")
    p.add_argument("--job", required=True)
    p.add_argument("--device", required=True)
    p.add_argument("--device-type", required=True)
    p.add_argument("--server", default="recorded log")
    p.add_argument("--results", default=os.environ.get("RESULTS", "results"))
    p.set_defaults(func=cmd_parse)

    r = sub.add_parser("run", help="run a job with this machine's lava-run")
    r.add_argument("job_file")
    r.add_argument("--device-dict", required=True)
    r.add_argument("--device-type", default="qemu")
    r.add_argument("--job", default=str(int(time.time())), help="job id (default: the time)")
    r.add_argument("--output-dir", required=True)
    r.add_argument("--timeout", type=int, default=90, help="minutes")
    r.add_argument("--results", default=os.environ.get("RESULTS", "results"))
    r.set_defaults(func=cmd_run)

    args = ap.parse_args(argv)
    try:
        args.func(args)
    except LavaError as e:
        print("lava-%s: %s" % (args.cmd, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
