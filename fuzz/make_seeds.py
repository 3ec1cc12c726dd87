#!/usr/bin/env python3
"""Writes the seed corpora for the fuzzers into OUT_DIR/<harness>/.

Usage: make_seeds.py CRATIO_BIN OUT_DIR

Seeds are generated, never stored in the repository: small synthetic files written here
byte by byte (every GGUF value type, both llama2.c versions, ...), tiny random models made
by `cratio make-model` / `cratio convert`, and - when $CRATIO_DATA is present - the real
files there (stories260K.gguf, the llama2.c tokenizer.bin, the tokenizer test texts).
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

CRATIO = sys.argv[1]
OUT = sys.argv[2]
DATA = os.environ.get("CRATIO_DATA", "/work/shared/data")


def put(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def copy_in(harness, name, path):
    if os.path.isfile(path):
        with open(path, "rb") as f:
            put(harness, name, f.read())


# --- GGUF ---------------------------------------------------------------------------

def gguf_str(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<B",
          10: "<Q", 11: "<q", 12: "<d"}


def gguf_value(t, v):
    if t == 8:
        return gguf_str(v)
    if t == 9:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(gguf_value(et, x) for x in items)
    return struct.pack(SCALAR[t], v)


def gguf(kvs, tensors, alignment=32, version=3):
    """kvs: [(key, type, value)], tensors: [(name, dims innermost-first, ggml type, bytes)]."""
    out = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs))
    for k, t, v in kvs:
        out += gguf_str(k) + struct.pack("<I", t) + gguf_value(t, v)
    offset = 0
    for name, dims, gt, data in tensors:
        out += gguf_str(name) + struct.pack("<I", len(dims))
        out += b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", gt, offset)
        offset += (len(data) + alignment - 1) // alignment * alignment
    out += b"\0" * (-len(out) % alignment)
    for _, _, _, data in tensors:
        out += data + b"\0" * (-len(data) % alignment)
    return out


def gguf_seeds():
    every_type = [
        ("general.architecture", 8, "llama"), ("general.alignment", 4, 64),
        ("t.u8", 0, 7), ("t.i8", 1, -7), ("t.u16", 2, 700), ("t.i16", 3, -700),
        ("t.u32", 4, 70000), ("t.i32", 5, -70000), ("t.f32", 6, 0.5), ("t.bool", 7, 1),
        ("t.u64", 10, 1 << 40), ("t.i64", 11, -(1 << 40)), ("t.f64", 12, 0.25),
        ("t.arr_u32", 9, (4, [1, 2, 3])), ("t.arr_str", 9, (8, ["a", "\u00e9", "\u4f60"])),
        ("t.nested", 9, (9, [(5, [1, -1]), (8, ["x"])])),
    ]
    f32 = struct.pack("<4f", 1, 2, 3, 4)
    q8_0 = struct.pack("<e", 0.5) + bytes(range(32))  # one block of 32
    put("gguf", "every_type.gguf",
        gguf(every_type, [("a", [4], 0, f32), ("b", [32], 8, q8_0)], alignment=64))
    put("gguf", "v2_empty.gguf", gguf([], [], version=2))
    # A minimal llama with a tokenizer: 2 layers of dim 8 are too many bytes; one layer,
    # dim 4, vocab 4, f32 weights.
    dim, ffn, vocab = 4, 8, 4
    md = [("general.architecture", 8, "llama"), ("llama.embedding_length", 4, dim),
          ("llama.block_count", 4, 1), ("llama.feed_forward_length", 4, ffn),
          ("llama.attention.head_count", 4, 2), ("llama.context_length", 4, 16),
          ("llama.attention.layer_norm_rms_epsilon", 6, 1e-5),
          ("tokenizer.ggml.model", 8, "llama"),
          ("tokenizer.ggml.tokens", 9, (8, ["<unk>", "<s>", "</s>", "\u2581a"])),
          ("tokenizer.ggml.scores", 9, (6, [0.0, 0.0, 0.0, -1.0])),
          ("tokenizer.ggml.token_type", 9, (5, [2, 3, 3, 1]))]
    z = lambda n: b"\0" * (4 * n)
    ts = [("token_embd.weight", [dim, vocab], 0, z(dim * vocab)),
          ("output_norm.weight", [dim], 0, z(dim))]
    for n, shape in [("attn_norm", [dim]), ("ffn_norm", [dim]), ("attn_q", [dim, dim]),
                     ("attn_k", [dim, dim]), ("attn_v", [dim, dim]),
                     ("attn_output", [dim, dim]), ("ffn_gate", [dim, ffn]),
                     ("ffn_up", [dim, ffn]), ("ffn_down", [ffn, dim])]:
        count = 1
        for d in shape:
            count *= d
        ts.append((f"blk.0.{n}.weight", shape, 0, z(count)))
    put("gguf", "micro_llama.gguf", gguf(md, ts))


# --- safetensors ----------------------------------------------------------------------

def safetensors(header, data):
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def safetensors_seeds():
    put("safetensors", "two.safetensors", safetensors(
        {"__metadata__": {"format": "pt"},
         "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
         "b": {"dtype": "BF16", "shape": [4], "data_offsets": [16, 24]},
         "c": {"dtype": "I8", "shape": [0], "data_offsets": [24, 24]}}, b"\1" * 24))
    put("safetensors", "empty.safetensors", safetensors({}, b""))


# --- llama2.c ---------------------------------------------------------------------------

def llama2c_seeds():
    dim, hidden, layers, heads, kv, vocab, seq = 4, 8, 1, 2, 2, 5, 4
    head = dim // heads
    per_layer = dim + dim * dim * 2 + 2 * (head * kv) * dim + dim + 3 * hidden * dim
    v0_floats = vocab * dim + per_layer * layers + dim + seq * head  # two rope tables of /2
    hdr = struct.pack("<7i", dim, hidden, layers, heads, kv, vocab, seq)
    put("llama2c", "v0_shared.bin", hdr + b"\0" * 4 * v0_floats)
    hdr_ns = struct.pack("<7i", dim, hidden, layers, heads, kv, -vocab, seq)
    put("llama2c", "v0_wcls.bin", hdr_ns + b"\0" * 4 * (v0_floats + vocab * dim))
    v1_floats = vocab * dim + per_layer * layers + dim
    v1 = struct.pack("<Ii7iB", 0x616B3432, 1, dim, hidden, layers, heads, kv, vocab, seq, 1)
    put("llama2c", "v1.bin", v1 + b"\0" * (256 - len(v1)) + b"\0" * 4 * v1_floats)

    toks = [("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0)]
    toks += [(f"<0x{b:02X}>", 0.0) for b in range(256)]
    toks += [(" a", -1.0), ("b", -2.0), (" ab", -0.5), ("\u4f60", -3.0)]
    body = b"".join(struct.pack("<fi", s, len(t.encode())) + t.encode() for t, s in toks)
    put("llama2c_tokenizer", "small_tokenizer.bin", struct.pack("<i", 8) + body)
    copy_in("llama2c_tokenizer", "stories_tokenizer.bin",
            os.path.join(DATA, "tokenizer/llama2c/tokenizer.bin"))


# --- tokenizer.json -------------------------------------------------------------------

def tokenizer_json_seeds():
    bpe = {"version": "1.0",
           "added_tokens": [{"id": 6, "content": "<|endoftext|>", "special": True}],
           "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
               {"type": "Split", "pattern": {"Regex": "\\p{N}{1,3}"}, "behavior": "Isolated"},
               {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True}]},
           "decoder": {"type": "ByteLevel"},
           "model": {"type": "BPE", "vocab": {"h": 0, "e": 1, "l": 2, "o": 3, "he": 4,
                                              "ll": 5},
                     "merges": ["h e", ["l", "l"]]}}
    put("tokenizer_json", "bytelevel.json", json.dumps(bpe).encode())
    spm = {"added_tokens": [{"id": 0, "content": "<unk>", "special": True},
                            {"id": 1, "content": "<s>", "special": True},
                            {"id": 2, "content": "</s>", "special": True}],
           "normalizer": {"type": "Sequence", "normalizers": [
               {"type": "Prepend", "prepend": "\u2581"},
               {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
           "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}]},
           "model": {"type": "BPE", "byte_fallback": True, "unk_token": "<unk>",
                     "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0x41>": 3, "\u2581": 4,
                               "a": 5, "\u2581a": 6},
                     "merges": ["\u2581 a"]}}
    put("tokenizer_json", "spm.json", json.dumps(spm).encode())


# --- tokenizer encode -----------------------------------------------------------------

def encode_seeds():
    texts = [b"Hello world, 123!", b"  leading spaces\n\ttabs\r\n", b"<s>hello</s><|user|>",
             "\u4f60\u597d\u4e16\u754c \u00e9t\u00e9 \U0001f600".encode(), b"hello 1234567"]
    for path in ("tokenizer/ggml-vocab-llama-spm.gguf.inp",):
        full = os.path.join(DATA, path)
        if os.path.isfile(full):
            with open(full, "rb") as f:
                texts += [t.strip(b"\n") for t in f.read().split(b"\n__ggml_vocab_test__\n")][:20]
    n = 0
    for t in texts:
        for sel in (0x00, 0x11, 0x22, 0x03, 0x04, 0x05, 0x30):
            put("tokenizer_encode", f"t{n:03d}", bytes([sel]) + t)
            n += 1


# --- tiny models made by cratio itself ------------------------------------------------

def cratio_seeds():
    tmp = tempfile.mkdtemp(prefix="cratio_seeds_")
    try:
        small = ["--dim", "32", "--layers", "1", "--ffn", "32", "--heads", "2", "--vocab", "259",
                 "--ctx", "16"]
        runs = [
            ["make-model", *small, "-o", f"{tmp}/f32.gguf"],
            ["make-model", *small, "--dtype", "q8_0", "-o", f"{tmp}/q8_0.gguf"],
            ["make-model", *small, "--dtype", "q4_0", "-o", f"{tmp}/q4_0.gguf"],
            ["convert", f"{tmp}/f32.gguf", f"{tmp}/st"],
            ["convert", f"{tmp}/f32.gguf", f"{tmp}/ll.bin"],
        ]
        for r in runs:
            try:
                subprocess.run([CRATIO, *r], check=True, stdout=subprocess.DEVNULL)
            except (OSError, subprocess.CalledProcessError) as e:
                print(f"make_seeds: skipping the cratio-made seeds ({e})", file=sys.stderr)
                break
        for name in ("f32", "q8_0", "q4_0"):
            copy_in("gguf", f"tiny_{name}.gguf", f"{tmp}/{name}.gguf")
        copy_in("safetensors", "tiny.safetensors", f"{tmp}/st/model.safetensors")
        copy_in("tokenizer_json", "tiny_tokenizer.json", f"{tmp}/st/tokenizer.json")
        copy_in("llama2c", "tiny.bin", f"{tmp}/ll.bin")
        for f in os.listdir(tmp):
            if f.startswith("tok") and f.endswith(".bin"):
                copy_in("llama2c_tokenizer", "tiny_" + f, os.path.join(tmp, f))
    finally:
        shutil.rmtree(tmp)
    copy_in("gguf", "stories260K.gguf", os.path.join(DATA, "models/stories260K.gguf"))


# --- evaluation inputs ----------------------------------------------------------------

def eval_seeds():
    # Selector byte (see FuzzEvalDatasets) + the first 4 KiB of a real sample, or text.
    samples = [(0, "eval/mmlu/dev/abstract_algebra_dev.csv"), (1, "eval/mmlu/dev/anatomy_dev.csv"),
               (2, "eval/arc/ARC-Easy-Dev.jsonl"), (2, "eval/gsm8k/test.jsonl"),
               (5, "eval/wikitext-2/test.txt"), (6, "eval/tinystories/tinystories_sample.txt")]
    for i, (sel, rel) in enumerate(samples):
        full = os.path.join(DATA, rel)
        if os.path.isfile(full):
            with open(full, "rb") as f:
                put("eval_datasets", f"real{i}", bytes([sel]) + f.read(4096))
    put("eval_datasets", "csv", b"\x00" + b'q,"a, b","c ""d""",A\n"multi\nline",x,y,B\n')
    put("eval_datasets", "hellaswag6", b"\x03" + b"ctx\nending a\nending b\nending c\nending d\n2\n")
    put("eval_datasets", "hellaswag_jsonl",
        b"\x04" + b'{"ctx": "A man", "endings": ["a", "b", "c", "d"], "label": 1}\n')
    put("eval_datasets", "template", b"\x07" + b"{subject}: {question} {{x}} Answer: {answer}")
    # The built-in task specs, from the source.
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "eval", "tasks",
                       "builtin_tasks.cc")
    if os.path.isfile(src):
        import re
        with open(src, encoding="utf-8") as f:
            for i, m in enumerate(re.findall(r'R"json\((.*?)\)json"', f.read(), re.S)):
                put("task_spec", f"builtin{i}.json", m.encode())
    put("task_spec", "minimal.json", json.dumps({
        "name": "t", "format": "jsonl", "data": "x.jsonl", "prompt": "{question}",
        "choices": ["A", "B"], "gold_field": "answer", "scorer": "multiple_choice"}).encode())


gguf_seeds()
safetensors_seeds()
llama2c_seeds()
tokenizer_json_seeds()
encode_seeds()
cratio_seeds()
eval_seeds()
for h in sorted(os.listdir(OUT)):
    print(f"seeds {h}: {len(os.listdir(os.path.join(OUT, h)))} files")
