"""Linear text models on debian-sections: the test split and a 5-fold CV over train + test pooled, so that
differences between models are paired per fold rather than read off one split.

Models: TF-IDF (word 1-2 grams, sublinear tf, min_df 2) and, with "char", char_wb 2-5 grams beside it; then
logistic regression (C 3 and 10, lbfgs multinomial), LinearSVC (C 0.5, squared hinge, one-vs-rest) and
ComplementNB (alpha 0.3). Prints the accuracies on the test split, per fold, and each model's mean and
per-fold difference from the baseline of record (word 1-2 grams, logistic regression, C = 3).

  /usr/bin/python3 bench/baselines/linear_cv.py      # about 17 minutes on the 2-core VM
  /usr/bin/python3 bench/baselines/linear_cv.py --export-folds DIR
      # only writes the 5 folds as DIR/fold{0..4}.{train,test}.tsv (columns Label, Text), so that our
      # model can be trained on the very same folds (docs/baselines.md shows how)
"""
import argparse
import csv
import os

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    return [r[0] for r in rows], [r[1] for r in rows]


def features(kind, train, test):
    vectorizers = [TfidfVectorizer(ngram_range=(1, 1) if kind == "w1" else (1, 2), sublinear_tf=True, min_df=2)]
    if "char" in kind:
        vectorizers.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2))
    a = hstack([v.fit_transform(train) for v in vectorizers]).tocsr()
    b = hstack([v.transform(test) for v in vectorizers]).tocsr()
    return a, b


MODELS = {
    "lr3": lambda: LogisticRegression(C=3, max_iter=2000),
    "lr10": lambda: LogisticRegression(C=10, max_iter=2000),
    "svc": lambda: LinearSVC(C=0.5),
    "cnb": lambda: ComplementNB(alpha=0.3),
}
KINDS = ["w12", "w1", "w12char"]


def run(x_train, y_train, x_test, y_test):
    out = {}
    for kind in KINDS:
        a, b = features(kind, x_train, x_test)
        for name, make in MODELS.items():
            out[f"{kind}/{name}"] = float(np.mean(make().fit(a, y_train).predict(b) == np.array(y_test)))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export-folds", metavar="DIR")
    args = parser.parse_args()
    y_train, x_train = load("Samples/data/debian-sections.train.tsv")
    y_test, x_test = load("Samples/data/debian-sections.test.tsv")
    if not args.export_folds:
        print("test split", {k: round(v, 4) for k, v in run(x_train, y_train, x_test, y_test).items()}, flush=True)
    x = np.array(x_train + x_test, dtype=object)
    y = np.array(y_train + y_test)
    splits = list(StratifiedKFold(5, shuffle=True, random_state=1).split(x, y))
    if args.export_folds:
        os.makedirs(args.export_folds, exist_ok=True)
        for f, (i, j) in enumerate(splits):
            for part, rows in (("train", i), ("test", j)):
                with open(os.path.join(args.export_folds, f"fold{f}.{part}.tsv"), "w", encoding="utf-8", newline="") as out:
                    w = csv.writer(out, delimiter="\t", lineterminator="\n")
                    w.writerow(["Label", "Text"])
                    w.writerows(zip(y[rows], x[rows]))
        return
    folds = {}
    for f, (i, j) in enumerate(splits):
        r = run(list(x[i]), list(y[i]), list(x[j]), list(y[j]))
        for k, v in r.items():
            folds.setdefault(k, []).append(v)
        print(f"fold {f}", {k: round(v, 4) for k, v in r.items()}, flush=True)
    base = np.array(folds["w12/lr3"])
    for k, v in folds.items():
        print(f"{k}: mean {np.mean(v) * 100:.2f}%, minus baseline per fold {np.round((np.array(v) - base) * 100, 2)}")


if __name__ == "__main__":
    main()
