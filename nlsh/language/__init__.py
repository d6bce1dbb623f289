"""The language layer: sentence → ``Parse`` (intent, calibrated confidence, resolved slots).

A deterministic parser handles rigid forms (``kill -9 1234``, ``df``); everything else
goes to the trained model, run with ONNX Runtime. The model is built on first use and
cached (see ``nlsh.language.build``); torch is imported only while building.
"""
