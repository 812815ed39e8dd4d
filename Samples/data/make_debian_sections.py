#!/usr/bin/python3
"""Builds debian-sections: Debian package descriptions labelled with the package's archive Section.

    /usr/bin/python3 Samples/data/make_debian_sections.py [--lists DIR] [--out Samples/data]

Input: the Packages and Translation-en index files of Debian 12 "bookworm" main (amd64). With
--lists DIR they are read from DIR (an apt lists folder, files compressed as apt keeps them:
*_dists_bookworm_main_binary-amd64_Packages[.lz4|.xz|.gz] and *_dists_bookworm_main_i18n_Translation-en[...]);
without it they are fetched as root with the system's apt sources into a temporary folder:
    apt-get update -o Dir::State::Lists=TMP -o Dir::Cache=TMP -o Acquire::Languages=en
(the system's own apt lists are left alone; they carry no long descriptions, since Debian ships
those in Translation-en and apt fetches none here).

Rules (deterministic; Samples/data/README.md says why):
  * only the release suite bookworm main (not -updates / -security);
  * classes: the TOPIC sections below; sections that name a package's form or language ecosystem
    (libs, libdevel, doc, debug, oldlibs, introspection, localization, metapackages, tasks, perl,
    python, golang, rust, javascript, ruby, java, gnu-r, haskell, php, ocaml, lisp, cli-mono, ...)
    are left out: their descriptions give the label away in boilerplate ("development files",
    "Perl module", "Rust crate") and would make the task easy;
  * one row per source package: of its binary packages in those sections, the one named as the
    source, else the shortest name, else the first by name; label = that binary's section;
  * text = short description + ". " + long description, the long one unwrapped (Debian's " ."
    paragraph lines become paragraph breaks), every run of ASCII whitespace made one space;
  * dedup: the first row (by source name) with a given text keeps it, later ones are dropped;
  * cap: at most CAP rows per class: those with the smallest hex SHA-256 of UTF-8 "sample:1\\n<text>";
  * split (same rule as bench/baselines/spamassassin_export.py): per class, sort by the hex SHA-256 of
    UTF-8 "split:1\\n<text>"; the first floor(n * 0.2 + 0.5) rows are the test set; each file is
    ordered by the hex SHA-256 of UTF-8 "order:1\\n<text>" (a fixed shuffle);
  * TSV: header Label\\tText, UTF-8 without BOM, '\\n' line ends; a field holding '"' is quoted with
    its quotes doubled (RFC 4180); texts hold no tab or newline.
Writes debian-sections.train.tsv and debian-sections.test.tsv, and prints counts as JSON.
"""
import argparse
import collections
import glob
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile

SUITE = "bookworm"
SEED = 1
CAP = 250
TEST_FRACTION = 0.2
# The 21 largest topic sections of bookworm main (by source packages with an English description).
CLASSES = ["admin", "database", "devel", "editors", "fonts", "games", "gnome", "graphics", "interpreters",
           "kde", "mail", "math", "misc", "net", "science", "sound", "text", "utils", "video", "web", "x11"]
ASCII_WS = re.compile(r"[ \t\n\r\f\v]+")


def normalize(text):
    return ASCII_WS.sub(" ", text).strip(" ")


def sha(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def read_index(lists, kind):
    pattern = {"packages": f"*_dists_{SUITE}_main_binary-amd64_Packages*",
               "translations": f"*_dists_{SUITE}_main_i18n_Translation-en*"}[kind]
    found = sorted(glob.glob(os.path.join(lists, pattern)))
    if not found:
        sys.exit(f"no {pattern} in {lists}")
    # apt-helper cat-file undoes whichever compression apt keeps the file in.
    return subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", found[0]], check=True,
                          capture_output=True).stdout.decode("utf-8")


def stanzas(text):
    for block in text.split("\n\n"):
        fields, key = {}, None
        for line in block.split("\n"):
            if not line:
                continue
            if line[0] in " \t":
                fields[key] += "\n" + line
            else:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields:
            yield fields


def description_text(description):
    short, _, long = description.partition("\n")
    paragraphs, current = [], []
    for line in long.split("\n"):
        line = line[1:] if line.startswith(" ") else line
        if line.strip() == ".":
            paragraphs.append(" ".join(current))
            current = []
        else:
            current.append(line)
    paragraphs.append(" ".join(current))
    long_text = normalize(" ".join(p for p in paragraphs if p.strip()))
    short = normalize(short)
    if not long_text:
        return short
    return short + (" " if short.endswith((".", "!", "?")) else ". ") + long_text


def tsv_field(text):
    text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return '"' + text.replace('"', '""') + '"' if '"' in text else text


def write_tsv(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("Label\tText\n")
        for label, text in rows:
            f.write(f"{label}\t{tsv_field(text)}\n")


def build(lists):
    translations = {s["Description-md5"]: s["Description-en"] for s in stanzas(read_index(lists, "translations"))}
    by_source = collections.defaultdict(list)
    for s in stanzas(read_index(lists, "packages")):
        section = s.get("Section", "").split("/")[-1]
        md5 = s.get("Description-md5")
        if section in CLASSES and md5 in translations:
            source = s.get("Source", s["Package"]).split()[0]
            by_source[source].append((s["Package"], section, translations[md5]))
    rows, seen, duplicates = [], set(), 0
    for source in sorted(by_source):
        name, section, description = min(by_source[source], key=lambda b: (b[0] != source, len(b[0]), b[0]))
        text = description_text(description)
        if text in seen:
            duplicates += 1
            continue
        seen.add(text)
        rows.append((section, text))
    available = collections.Counter(r[0] for r in rows)
    kept = []
    for label in CLASSES:
        of_label = sorted((r for r in rows if r[0] == label), key=lambda r: sha(f"sample:{SEED}\n{r[1]}"))
        kept += of_label[:CAP]
    train, test = [], []
    for label in CLASSES:
        of_label = sorted((r for r in kept if r[0] == label), key=lambda r: sha(f"split:{SEED}\n{r[1]}"))
        n_test = int(math.floor(len(of_label) * TEST_FRACTION + 0.5))
        test += of_label[:n_test]
        train += of_label[n_test:]
    order = lambda r: sha(f"order:{SEED}\n{r[1]}")
    return sorted(train, key=order), sorted(test, key=order), duplicates, available, len(by_source)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lists", help="an apt lists folder holding bookworm main Packages and Translation-en")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="debian-sections-") as tmp:
        lists = args.lists
        if lists is None:
            lists = os.path.join(tmp, "lists")
            os.makedirs(os.path.join(lists, "partial"))
            os.makedirs(os.path.join(tmp, "cache", "archives", "partial"))
            subprocess.run(["apt-get", "update", "-qq", "-o", f"Dir::State::Lists={lists}",
                            "-o", f"Dir::Cache={os.path.join(tmp, 'cache')}", "-o", "Acquire::Languages=en", "-o", "APT::Sandbox::User=root"],
                           check=True)
        train, test, duplicates, available, sources = build(lists)
    write_tsv(os.path.join(args.out, "debian-sections.train.tsv"), train)
    write_tsv(os.path.join(args.out, "debian-sections.test.tsv"), test)
    count = lambda rs: dict(sorted(collections.Counter(r[0] for r in rs).items()))
    print(json.dumps({"source_packages": sources, "duplicates_removed": duplicates,
                      "available_per_class": dict(sorted(available.items())),
                      "train_rows": len(train), "test_rows": len(test), "classes": len(CLASSES),
                      "train_per_class": count(train), "test_per_class": count(test)}, indent=1))


if __name__ == "__main__":
    main()
