"""What a built model directory holds (names only: importing this costs nothing)."""

MODEL_FORMAT = 4
META_FILE = "meta.json"
# ONNX Runtime's own format, optimised once at build time for this machine: it loads in
# a third of the time of the .onnx file it is made from (docs/benchmarks.md).
MODEL_FILE = "model.ort"
TOKENIZER_FILE = "tokenizer.json"
OUT_OF_SCOPE = "_oos"
