#!/usr/bin/python3
"""TF-IDF + logistic regression baseline for a text-classification TSV pair.

Usage (Debian's python, which has scikit-learn: `bash eng/install.sh` installs python3-sklearn):
    /usr/bin/python3 bench/baselines/tfidf_logreg.py --train A.tsv --test B.tsv [--char] [--name NAME]

Input: UTF-8 TSV with a header naming the columns Label and Text (any order, other columns
ignored), RFC 4180 quoting (a field that holds a '"' is quoted and its quotes doubled), which is
what Samples/Shared/SpamAssassinCorpus.WriteTsv and Samples/data/make_debian_sections.py write.

Model (a standard, strong linear text baseline):
  * TfidfVectorizer: lowercase, word 1-2 grams (token pattern \\b\\w\\w+\\b), sublinear tf (1 + log tf),
    min_df 2, l2-normalised rows;
  * with --char also character 2-5 grams within word boundaries (char_wb, sublinear, min_df 2),
    stacked beside the word features (each block l2-normalised on its own);
  * LogisticRegression (l2; liblinear for two classes, multinomial saga for more), with C picked
    from {1, 3, 10, 30, 100, 300, 1000} by macro-F1 in a stratified 3-fold CV on the training file only
    (the vectorizer is refitted inside each fold), then refitted on the whole training file.

Prints one JSON object: accuracy, macro_f1, per-class F1 (and spam_f1 when a class is "spam"),
the chosen C and its CV scores, row/class counts, and wall-clock seconds for CV, the final fit and
prediction.
"""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

C_GRID = [1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0]
SEED = 1


def read_tsv(path):
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quotechar='"', doublequote=True, strict=True)
        header = next(reader)
        try:
            li, ti = header.index("Label"), header.index("Text")
        except ValueError:
            sys.exit(f"{path}: the header must name the columns Label and Text; it has {header}")
        labels, texts = [], []
        for n, row in enumerate(reader, start=2):
            if len(row) != len(header):
                sys.exit(f"{path}, record {n}: {len(row)} fields, the header has {len(header)}")
            labels.append(row[li])
            texts.append(row[ti])
    return texts, labels


class Features:
    """Word 1-2 gram (or, with words_only, 1 gram) TF-IDF, optionally stacked with char_wb 2-5 gram TF-IDF."""

    def __init__(self, char, words_only=False):
        self.blocks = [TfidfVectorizer(ngram_range=(1, 1 if words_only else 2), sublinear_tf=True, min_df=2, dtype=np.float32)]
        if char:
            self.blocks.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                               min_df=2, dtype=np.float32))

    def fit_transform(self, texts):
        return sp.hstack([b.fit_transform(texts) for b in self.blocks], format="csr")

    def transform(self, texts):
        return sp.hstack([b.transform(texts) for b in self.blocks], format="csr")

    @property
    def n_features(self):
        return sum(len(b.vocabulary_) for b in self.blocks)


def make_model(c, n_classes):
    if n_classes == 2:
        return LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    return LogisticRegression(C=c, solver="saga", max_iter=3000, random_state=SEED)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", help="the test file (not needed with --holdout)")
    ap.add_argument("--holdout", action="store_true",
                    help="test on the last 20%% of the training file and train on the rest (to compare settings without the test file)")
    ap.add_argument("--C", type=float, default=None, help="a fixed C instead of cross-validation")
    ap.add_argument("--char", action="store_true", help="add char_wb 2-5 gram features")
    ap.add_argument("--words-only", action="store_true", help="single words, no word pairs")
    ap.add_argument("--name", default=None, help="a name to put in the JSON")
    args = ap.parse_args()

    train_x, train_y = read_tsv(args.train)
    if args.holdout:
        k = len(train_y) * 4 // 5
        train_x, train_y, test_x, test_y = train_x[:k], train_y[:k], train_x[k:], train_y[k:]
    elif args.test:
        test_x, test_y = read_tsv(args.test)
    else:
        sys.exit("give --test or --holdout")
    classes = sorted(set(train_y))
    unknown = sorted(set(test_y) - set(classes))
    if unknown:
        sys.exit(f"{args.test}: labels not in the training file: {unknown}")
    ytr = np.array(train_y)

    t0 = time.perf_counter()
    cv_scores = {c: [] for c in C_GRID} if args.C is None else {}
    for fit_idx, val_idx in StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED).split(train_x, ytr) if cv_scores else []:
        feats = Features(args.char, args.words_only)
        xf = feats.fit_transform([train_x[i] for i in fit_idx])
        xv = feats.transform([train_x[i] for i in val_idx])
        for c in C_GRID:
            model = make_model(c, len(classes)).fit(xf, ytr[fit_idx])
            cv_scores[c].append(f1_score(ytr[val_idx], model.predict(xv), average="macro"))
    mean_cv = {c: float(np.mean(s)) for c, s in cv_scores.items()}
    best_c = args.C if args.C is not None else max(C_GRID, key=lambda c: (mean_cv[c], -c))  # ties: the smaller C
    cv_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    feats = Features(args.char, args.words_only)
    xtr = feats.fit_transform(train_x)
    model = make_model(best_c, len(classes)).fit(xtr, ytr)
    train_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    pred = model.predict(feats.transform(test_x))
    predict_seconds = time.perf_counter() - t0

    per_class = f1_score(test_y, pred, labels=classes, average=None)
    result = {
        "name": args.name or os.path.basename(args.train),
        "train": args.train,
        "test": "last 20% of the training file" if args.holdout else args.test,
        "features": "tfidf word 1-2 grams" + (" + char_wb 2-5 grams" if args.char else "")
                    + ", sublinear tf, min_df 2",
        "n_features": feats.n_features,
        "train_rows": len(train_y),
        "test_rows": len(test_y),
        "classes": len(classes),
        "C": best_c,
        "cv_macro_f1": {str(c): round(v, 4) for c, v in mean_cv.items()},
        "accuracy": round(float(accuracy_score(test_y, pred)), 4),
        "macro_f1": round(float(f1_score(test_y, pred, average="macro")), 4),
        "per_class_f1": {c: round(float(f), 4) for c, f in zip(classes, per_class)},
        "cv_seconds": round(cv_seconds, 2),
        "train_seconds": round(train_seconds, 2),
        "predict_seconds": round(predict_seconds, 3),
    }
    if "spam" in classes:
        result["spam_f1"] = result["per_class_f1"]["spam"]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
