"""Benchmark of the personal layer (issue 16): simulated diary users from the labelled corpora.

Speech (``--part speech``): every speaker of RAVDESS, EMOVO, EmoDB and TurEV (not URDU, whose
speakers hold one emotion each) is one simulated user. The global model for a user is made by the
shipped recipe (``train_whisper_ser.fit_model``: an MLP head on the clean and noisy/reverberant
copies blended with one on the clean clips, the shipped card's temperature) on the cached Whisper
features of every corpus *without that user* (speakers are split into folds; a user's global model
never saw the user's fold). ``--global-recipe linear``: the clean-only linear head that the first
runs of this benchmark used (session 4's table). The user's clips arrive as a diary in a random order; the user corrects the first
k clips of each emotion; the rest are scored. Reported per k: mean accuracy over users, the spread
over users and over orders, and the change against k = 0 *on the same scored clips* per user
(the "never worse by more than 3 points" check).

    k = 0        global model only
    k = 0 + ad.  unsupervised adaptation only (the user's running feature mean, all their clips)
    k = 1..10    adaptation + the gated personal model trained on the k corrections per emotion

The personal layer is the app's own code (``diary_app.personal.speech_layer``: ``train_speech_layer``
and ``speech_probabilities``, called by ``PersonalLayer.train`` / ``apply`` too), with the app's
defaults (``SpeechLayerConfig``) unless a flag says otherwise.

Scene table (``--part scene``): UrbanSound8K and ESC-10 clips get scene probabilities from a
logistic head on YAMNet embedding statistics, out of fold (grouped by source recording). Each
simulated user has their own scene -> emotion table: the shipped table with every row redrawn at
random with probability 0.5. Clips arrive in a random order with the user's label; after n labels
the personal table tags the rest. Reported: accuracy against the user's labels by n (convergence).

Features come from the training cache (``FeatureBank``, the same ``WhisperSerConfig()`` defaults as
``diary-app train ser-whisper``), so a run costs seconds once the cache is warm.

    python benchmarks/bench_personal.py --part speech --orders 5
    python benchmarks/bench_personal.py --part scene --orders 5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # many tiny problems: threads only contend
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diary_app.emotions import EMOTIONS  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
USER_CORPORA = ("ravdess", "emovo", "emodb", "turev")
TRAIN_ONLY = ("urdu", "selvas")
KS = (1, 2, 5, 10)


def recipe_config(args) -> WhisperSerConfig:  # noqa: F821 - imported lazily
    """The shipped speech model's recipe (``WhisperSerConfig`` defaults, the card's noise corpora),
    or with ``--global-recipe linear`` the clean-only linear head of the first benchmark runs."""
    from diary_app.training.train_whisper_ser import WhisperSerConfig

    if args.global_recipe == "linear":
        return WhisperSerConfig(out=Path("/tmp/unused"), hidden=0, augment=False, epochs=args.epochs or 30)
    noise = [Path(args.data) / c / "manifest.csv" for c in ("urbansound8k", "esc10")]
    cfg = WhisperSerConfig(out=Path("/tmp/unused"), noise=[n for n in noise if n.is_file()])
    if args.epochs:
        cfg.epochs = args.epochs
    return cfg


def load_speech(data: Path, recipe):
    """Clean features, the augmented copies the recipe trains on (None without), labels, groups, corpora."""
    from diary_app.training.datasets import LabelMapper, read_datasets
    from diary_app.training.train_whisper_ser import FeatureBank, augmented_features

    examples = []
    for c in USER_CORPORA + TRAIN_ONLY:
        if (data / c / "manifest.csv").is_file():
            examples += read_datasets([data / c], LabelMapper(), verbose=False)[0].examples
    recipe.progress = False
    bank = FeatureBank(recipe)
    x = bank.features(examples, "clean", None, False)
    x_aug = augmented_features(bank, examples, recipe)
    y = np.array([EMOTIONS.index(e.label) for e in examples])
    groups = np.array([e.group for e in examples])
    sources = np.array([e.source for e in examples])
    return x, x_aug, y, groups, sources


def users_of(groups, sources, y):
    out = []
    for g in sorted(set(groups)):
        k = groups == g
        src = sources[k][0]
        if src in USER_CORPORA and len(set(y[k])) >= 4 and k.sum() >= 30:
            out.append(g)
    return out


def shipped_temperature() -> float:
    """The shipped model's calibration temperature (fitted on its grouped out-of-fold predictions)."""
    card = ROOT / "models" / "default-ser-whisper" / "model_card.json"
    try:
        return float(json.loads(card.read_text(encoding="utf-8")).get("temperature") or 1.0)
    except (OSError, ValueError):
        return 1.0


def train_globals(x, x_aug, y, groups, sources, users, n_folds, recipe, seed, cache: Path | None = None):
    """One global model per fold of users, by ``recipe`` (``train_whisper_ser.fit_model``, the shipped
    recipe) on every clip of the other folds; returns user -> GlobalHead (cached: tuning the personal
    layer re-uses the same global models)."""
    import hashlib

    from diary_app.personal.global_head import GlobalHead
    from diary_app.training.train_whisper_ser import fit_model

    rng = np.random.default_rng(seed)
    order = list(users)
    rng.shuffle(order)
    folds = [order[i::n_folds] for i in range(n_folds)]
    recipe_key = (recipe.hidden, recipe.epochs, recipe.lr, recipe.weight_decay, recipe.blend_plain, x_aug is not None, recipe.seed)
    key = hashlib.sha1(f"{order}|{n_folds}|{recipe_key}|{seed}|{len(x)}".encode()).hexdigest()[:12]
    temperature = shipped_temperature() if x_aug is not None else 1.0
    heads = {}
    for i, fold in enumerate(folds):
        t = time.perf_counter()
        keep = np.where(~np.isin(groups, fold))[0]
        f = cache / f"bench_personal_head_{key}_{i}.npz" if cache else None
        if f is not None and f.is_file():
            arrays = dict(np.load(f))
        else:
            arrays = fit_model(x, x_aug, y, sources, keep, recipe, len(EMOTIONS))
            if f is not None:
                f.parent.mkdir(parents=True, exist_ok=True)
                np.savez(f, **arrays)
        head = GlobalHead(arrays=arrays, labels=list(EMOTIONS), temperature=temperature)
        for u in fold:
            heads[u] = head
        print(f"  global model {i + 1}/{n_folds}: {len(keep)} clips, {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return heads


def simulate_user(xu, yu, head, orders, seed, layer_cfg):
    """Per order, per condition: accuracy on the rest, and k=0 accuracy on the same rest. The
    personal layer is the app's own code (``personal.speech_layer``): each clip is one recording
    of one window, the diary newest first, the user's corrections its labels."""
    from diary_app.personal.speech_layer import Recording, speech_probabilities, train_speech_layer, user_stats

    clips = [Recording(xu[i:i + 1], np.ones(1)) for i in range(len(yu))]
    stats = user_stats(clips)
    p0 = head.emotion_probabilities(xu)
    pa, _, _ = speech_probabilities(head, stats, None, xu, layer_cfg)
    pred0 = p0.argmax(1)
    out = {"k0": [], "k0_adapt": []} | {f"k{k}": [] for k in KS} | {f"k{k}_base": [] for k in KS}
    for r in range(orders):
        perm = np.random.default_rng([seed, r]).permutation(len(yu))
        out["k0"].append(float(np.mean(pred0 == yu)))
        out["k0_adapt"].append(float(np.mean(pa.argmax(1) == yu)))
        for k in KS:
            train = []
            for c in set(yu):
                train += [i for i in perm if yu[i] == c][:k]
            train = np.array(sorted(train))
            test = np.setdiff1d(np.arange(len(yu)), train)
            if test.size == 0:
                continue
            known = set(train.tolist())
            diary = [Recording(xu[i:i + 1], np.ones(1), int(yu[i]) if i in known else None) for i in perm[::-1]]
            _, model = train_speech_layer(head, diary, layer_cfg, stats=stats)
            pk, _, _ = speech_probabilities(head, stats, model, xu[test], layer_cfg)
            out[f"k{k}"].append(float(np.mean(pk.argmax(1) == yu[test])))
            out[f"k{k}_base"].append(float(np.mean(pred0[test] == yu[test])))
    return out


#: scored clips a user needs for the "worst user with enough clips" column
MIN_SCORED = 20


def _scored_clips(yu: np.ndarray, k: int) -> int:
    """Clips left to score when the user corrects the first k of each emotion."""
    return int(len(yu) - sum(min(k, int((yu == e).sum())) for e in set(yu.tolist())))


def bench_speech(args) -> dict:
    from diary_app.personal.speech_head import HeadConfig
    from diary_app.personal.speech_layer import SpeechLayerConfig

    t0 = time.perf_counter()
    recipe = recipe_config(args)
    x, x_aug, y, groups, sources = load_speech(Path(args.data), recipe)
    users = users_of(groups, sources, y)
    print(f"{len(x)} clips, {len(users)} simulated users ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    heads = train_globals(x, x_aug, y, groups, sources, users, args.folds, recipe, args.seed, Path(args.cache))
    args.base_temperature = args.base_temperature or None  # 0 on the command line: the card's temperature
    layer_cfg = SpeechLayerConfig(prior_n=args.prior_n, variance=args.variance, self_train=args.self_train,
                                  head=HeadConfig(l2=args.l2, l2_bias=args.l2_bias, half_n=args.half_n),
                                  subspace=args.subspace, gate_folds=args.gate_folds, gate_preference=args.gate_preference,
                                  gate_preference_unseen=args.gate_preference_unseen, hidden_head=args.hidden_head,
                                  base_temperature=args.base_temperature, adapt_check=args.adapt_check,
                                  gate_prevalence=args.gate_prevalence)
    per_user = {}
    for u in users:
        k = groups == u
        per_user[u] = simulate_user(x[k], y[k], heads[u], args.orders, args.seed, layer_cfg)
    conds = ["k0", "k0_adapt"] + [f"k{k}" for k in KS]
    table = {}
    for c in conds:
        user_means = np.array([np.mean(per_user[u][c]) for u in users if per_user[u][c]])
        order_sd = np.array([np.std(per_user[u][c]) for u in users if per_user[u][c]])
        row = {"mean": float(user_means.mean()), "sd_users": float(user_means.std()), "sd_orders": float(order_sd.mean()),
               "users": len(user_means)}
        base = f"{c}_base"
        if base in per_user[users[0]]:
            scored = [u for u in users if per_user[u][c]]
            deltas = np.array([np.mean(per_user[u][c]) - np.mean(per_user[u][base]) for u in scored])
            row.update(delta_mean=float(deltas.mean()), delta_worst=float(deltas.min()), worst_user=scored[int(deltas.argmin())])
            # the same check where one clip is at most 5 points (a user with 10 clips left moves 10 points a clip)
            k = int(c[1:])
            big = [i for i, u in enumerate(scored) if _scored_clips(y[groups == u], k) >= MIN_SCORED]
            if big:
                worst = min(big, key=lambda i: deltas[i])
                row.update(delta_worst_big=float(deltas[worst]), worst_user_big=scored[worst], users_big=len(big))
        elif c == "k0_adapt":
            deltas = np.array([np.mean(per_user[u][c]) - np.mean(per_user[u]["k0"]) for u in users])
            row.update(delta_mean=float(deltas.mean()), delta_worst=float(deltas.min()), worst_user=users[int(deltas.argmin())])
        table[c] = row
    by_corpus = {}
    for src in USER_CORPORA:
        us = [u for u in users if u.startswith(src + ":")]
        if us:
            by_corpus[src] = {c: float(np.mean([np.mean(per_user[u][c]) for u in us if per_user[u][c]])) for c in conds}
    return {"part": "speech", "users": len(users), "orders": args.orders, "folds": args.folds, "config": {
        "prior_n": args.prior_n, "variance": args.variance, "self_train": args.self_train, "l2": args.l2, "l2_bias": args.l2_bias, "half_n": args.half_n,
        "subspace": args.subspace, "gate_folds": args.gate_folds, "gate_preference": args.gate_preference,
        "gate_preference_unseen": args.gate_preference_unseen, "hidden_head": args.hidden_head,
        "base_temperature": args.base_temperature, "adapt_check": args.adapt_check, "gate_prevalence": args.gate_prevalence, "global_recipe": args.global_recipe,
        "epochs": recipe.epochs, "hidden": recipe.hidden, "augment": x_aug is not None, "blend_plain": recipe.blend_plain,
        "temperature": heads[users[0]].temperature}, "table": table, "by_corpus": by_corpus, "seconds": round(time.perf_counter() - t0, 1)}


# -- scene table ---------------------------------------------------------------------------------------
ESC10_TABLE = {"dog": "surprise", "rooster": "happy", "rain": "sad", "sea_waves": "neutral", "crackling_fire": "happy",
               "crying_baby": "fear", "baby_cry": "fear", "sneezing": "surprise", "person_sneeze": "surprise",
               "clock_tick": "neutral", "helicopter": "fear", "chainsaw": "angry"}


def scene_probabilities(corpus: str, data: Path, cache: Path, seed: int):
    """Out-of-fold scene probabilities (YAMNet statistics + logistic regression, grouped folds)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.preprocessing import StandardScaler

    from diary_app.training.datasets import LabelMapper, read_datasets
    from diary_app.training.features_cache import load_wave_cached

    ex = read_datasets([data / corpus], LabelMapper(identity=True), verbose=False)[0].examples
    f = cache / f"bench_personal_yamnet_{corpus}.npy"
    if f.is_file():
        feats = np.load(f)
    else:
        from diary_app.analysis.speech_yamnet import embedding_statistics

        feats = np.stack([embedding_statistics(load_wave_cached(e.path)) for e in ex]).astype(np.float32)
        cache.mkdir(parents=True, exist_ok=True)
        np.save(f, feats)
    labels = sorted({e.label for e in ex})
    y = np.array([labels.index(e.label) for e in ex])
    groups = np.array([e.group for e in ex])
    probs = np.zeros((len(y), len(labels)))
    for tr, te in StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(feats, y, groups):
        sc = StandardScaler().fit(feats[tr])
        clf = LogisticRegression(C=0.05, max_iter=300).fit(sc.transform(feats[tr]), y[tr])
        probs[te][:, :] = 0
        probs[np.ix_(te, clf.classes_)] = clf.predict_proba(sc.transform(feats[te]))
    return labels, y, probs


def bench_scene(args) -> dict:
    from diary_app.analysis.emotion_table import load_emotion_table
    from diary_app.personal.scene_table import PersonalSceneTable

    t0 = time.perf_counter()
    ns = (0, 5, 10, 20, 50, 100, 200)
    out = {"part": "scene", "orders": args.orders, "users_per_corpus": args.scene_users, "corpora": {}}
    for corpus in ("urbansound8k", "esc10"):
        if not (Path(args.data) / corpus / "manifest.csv").is_file():
            continue
        labels, y, probs = scene_probabilities(corpus, Path(args.data), Path(args.cache), args.seed)
        if corpus == "urbansound8k":
            shipped = load_emotion_table("scene_emotion_urbansound8k.csv").mapping
        else:
            shipped = {s: ESC10_TABLE.get(s, "neutral") for s in labels}
        scene_acc = float(np.mean(probs.argmax(1) == y))
        acc = {n: [] for n in ns}
        acc_shipped = []
        rng = np.random.default_rng(args.seed)
        for _u in range(args.scene_users):
            user = {s: (shipped[s] if rng.random() < 0.5 else EMOTIONS[int(rng.integers(len(EMOTIONS)))]) for s in labels}
            truth = np.array([EMOTIONS.index(user[labels[c]]) for c in y])
            for _r in range(args.orders):
                perm = rng.permutation(len(y))
                test = perm[max(ns):]  # the same scored clips for every n
                shipped_pred = np.array([EMOTIONS.index(shipped[labels[int(np.argmax(probs[i]))]]) for i in test])
                acc_shipped.append(float(np.mean(shipped_pred == truth[test])))
                for n in ns:
                    table = PersonalSceneTable(shipped=shipped)
                    for i in perm[:n]:
                        table.add(dict(zip(labels, probs[i])), user[labels[y[i]]])
                    pred = np.array([int(np.argmax(table.distribution(dict(zip(labels, probs[i]))))) for i in test])
                    acc[n].append(float(np.mean(pred == truth[test])))
        out["corpora"][corpus] = {"clips": len(y), "scenes": len(labels), "scene_accuracy_oof": scene_acc,
                                  "shipped_table": float(np.mean(acc_shipped)),
                                  "by_corrections": {str(n): {"mean": float(np.mean(v)), "sd": float(np.std(v))} for n, v in acc.items()}}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def render(res: dict) -> str:
    if res["part"] == "speech":
        t = res["table"]
        names = {"k0": "k = 0 (global only)", "k0_adapt": "k = 0 + adaptation"} | {f"k{k}": f"k = {k} per emotion" for k in KS}
        lines = [f"{res['users']} simulated users, {res['orders']} orders each; global heads on {res['folds']} folds of users",
                 "", "| condition | accuracy (mean over users) | sd over users | sd over orders | vs k = 0 (same clips) | worst user vs k = 0 "
                 f"| worst user with ≥ {MIN_SCORED} scored clips |",
                 "|---|---|---|---|---|---|---|"]
        for c, name in names.items():
            r = t[c]
            d = f"{100 * r['delta_mean']:+.1f} pts" if "delta_mean" in r else "—"
            w = f"{100 * r['delta_worst']:+.1f} pts ({r['worst_user']})" if "delta_worst" in r else "—"
            wb = (f"{100 * r['delta_worst_big']:+.1f} pts ({r['worst_user_big']}; {r['users_big']} users)"
                  if "delta_worst_big" in r else ("= the worst user (every clip scored)" if c == "k0_adapt" else "—"))
            lines.append(f"| {name} | {r['mean']:.3f} | {r['sd_users']:.3f} | {r['sd_orders']:.3f} | {d} | {w} | {wb} |")
        lines += ["", "| corpus | " + " | ".join(names[c] for c in names) + " |", "|---|" + "---|" * len(names)]
        for src, row in res["by_corpus"].items():
            lines.append(f"| {src} | " + " | ".join(f"{row[c]:.3f}" for c in names) + " |")
        return "\n".join(lines)
    lines = []
    for corpus, r in res["corpora"].items():
        ns = list(r["by_corrections"])
        lines += [(f"{corpus}: {r['clips']} clips, {r['scenes']} scenes, out-of-fold scene accuracy {r['scene_accuracy_oof']:.3f}; "
                   f"shipped table alone {r['shipped_table']:.3f}"), "",
                  "| labelled clips | " + " | ".join(ns) + " |", "|---|" + "---|" * len(ns),
                  "| accuracy vs the user's table | " + " | ".join(f"{r['by_corrections'][n]['mean']:.3f}" for n in ns) + " |",
                  "| sd (users x orders) | " + " | ".join(f"{r['by_corrections'][n]['sd']:.3f}" for n in ns) + " |", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--part", choices=["speech", "scene", "both"], default="both")
    p.add_argument("--data", default=str(DATA))
    p.add_argument("--cache", default="/tmp/sound_diary_cache")
    p.add_argument("--orders", type=int, default=5)
    p.add_argument("--folds", type=int, default=6)
    p.add_argument("--global-recipe", choices=["shipped", "linear"], default="shipped",
                   help="the per-user global models: the shipped recipe (two blended MLP heads, noise augmentation, "
                        "the shipped temperature) or the clean-only linear head of the first runs")
    p.add_argument("--epochs", type=int, default=None, help="default: the recipe's (30 for linear)")
    p.add_argument("--seed", type=int, default=0)
    from diary_app.personal.speech_layer import SpeechLayerConfig

    d = SpeechLayerConfig()  # the app's defaults
    p.add_argument("--prior-n", type=float, default=d.prior_n)
    p.add_argument("--variance", action="store_true")
    p.add_argument("--l2", type=float, default=d.head.l2)
    p.add_argument("--l2-bias", type=float, default=d.head.l2_bias)
    p.add_argument("--half-n", type=float, default=d.head.half_n)
    p.add_argument("--self-train", type=float, default=d.self_train, help="self-training threshold on uncorrected clips (0: off)")
    p.add_argument("--subspace", type=int, default=d.subspace, help="principal directions for the subspace head (0: off)")
    p.add_argument("--gate-folds", type=int, default=d.gate_folds, help="cross-fitting folds of the safety gate (0: off)")
    p.add_argument("--gate-preference", type=float, default=d.gate_preference)
    p.add_argument("--gate-preference-unseen", type=float, default=d.gate_preference_unseen)
    p.add_argument("--hidden-head", action=argparse.BooleanOptionalAction, default=d.hidden_head,
                   help="a residual head on the global MLP's hidden units")
    p.add_argument("--base-temperature", type=float, default=d.base_temperature,
                   help="temperature of the global probabilities the layer works on (0: the card's)")
    p.add_argument("--adapt-check", default=d.adapt_check, choices=["", "nll", "accuracy"])
    p.add_argument("--gate-prevalence", action=argparse.BooleanOptionalAction, default=d.gate_prevalence,
                   help="weight held-out corrections by their emotion's share of the uncorrected recordings")
    p.add_argument("--scene-users", type=int, default=20)
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    results = []
    if args.part in ("speech", "both"):
        results.append(bench_speech(args))
    if args.part in ("scene", "both"):
        results.append(bench_scene(args))
    for r in results:
        print(render(r))
        print()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
