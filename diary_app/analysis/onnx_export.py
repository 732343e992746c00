"""Export a Hugging Face audio-classification model folder to ONNX (optionally int8).

On a small CPU, ONNX Runtime runs the WavLM graph faster than eager PyTorch (see
docs/notes/issue-2-engine.md for the numbers). ``HFAudioClassifier`` uses ``model.onnx`` when it
lies in the model folder, so exporting is all it takes to switch; delete the file to go back.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from diary_app.audio.loading import SAMPLE_RATE

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"


def export_onnx(model_dir: str | Path, output: str | Path | None = None, quantize: bool = False,
                opset: int = 17, example_seconds: float = 4.0, calibration_audio: list[str | Path] | None = None) -> Path:
    """Write ``model.onnx`` (input ``input_values`` (batch, samples) → ``logits``) into the folder.

    Batch and length are dynamic axes. ``quantize=True`` adds dynamic int8 quantisation of the
    MatMul weights (``onnxruntime.quantization.quantize_dynamic``): smaller and usually faster, at some
    cost in agreement with the fp32 model (measure it on real clips before shipping it).

    ``calibration_audio`` (with ``quantize=True``) also quantises the convolutions statically
    (int8 weights and activations, ranges measured on these real recordings): the conv feature
    encoder is the larger half of the CPU time once the MatMuls are int8, so this is the fastest
    variant, and the one that drifts most from fp32.
    """
    import torch
    from transformers import AutoModelForAudioClassification

    model_dir = Path(model_dir)
    output = Path(output) if output else model_dir / ONNX_FILE
    model = AutoModelForAudioClassification.from_pretrained(model_dir, local_files_only=True).eval()

    class _Logits(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_values: torch.Tensor) -> torch.Tensor:
            logits: torch.Tensor = self.inner(input_values=input_values).logits
            return logits

    example = torch.zeros(2, int(example_seconds * SAMPLE_RATE))
    example.normal_(0, 0.1)
    fp32 = output if not quantize else output.with_name(output.stem + ".fp32.onnx")
    with torch.inference_mode():
        torch.onnx.export(
            _Logits(model), (example,), str(fp32), input_names=["input_values"], output_names=["logits"],
            dynamic_axes={"input_values": {0: "batch", 1: "samples"}, "logits": {0: "batch"}},
            opset_version=opset, dynamo=False,
        )
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        source = fp32
        if calibration_audio:
            source = output.with_name(output.stem + ".conv8.onnx")
            _quantize_convs_static(fp32, source, calibration_audio)
        # MatMul only: ONNX Runtime's dynamic int8 Conv (ConvInteger) is slower than fp32 here
        quantize_dynamic(str(source), str(output), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
        for tmp in {fp32, source}:
            tmp.unlink(missing_ok=True)
    return output


def _quantize_convs_static(src: Path, dst: Path, audio: list[str | Path], seconds: float = 3.0) -> None:
    import numpy as np
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

    from diary_app.audio.loading import load_audio

    n = int(seconds * SAMPLE_RATE)
    batches = [{"input_values": load_audio(p)[None, :n].astype(np.float32)} for p in audio]

    class _Reader(CalibrationDataReader):  # type: ignore[misc]  # onnxruntime ships no types
        def __init__(self) -> None:
            self._it = iter(batches)

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self._it, None)

    quantize_static(str(src), str(dst), _Reader(), quant_format=QuantFormat.QOperator, op_types_to_quantize=["Conv"],
                    per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=CalibrationMethod.MinMax)


def main(argv: list[str] | None = None) -> int:
    """``python -m diary_app.analysis.onnx_export MODEL_DIR [--int8]``"""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m diary_app.analysis.onnx_export",
                                 description="write model.onnx into a Hugging Face audio-classification model folder")
    ap.add_argument("model_dir")
    ap.add_argument("--int8", action="store_true", help="dynamic int8 quantisation of the MatMul weights")
    ap.add_argument("--calibrate", nargs="+", metavar="AUDIO", default=None,
                    help="with --int8: also quantise the convolutions statically, calibrated on these recordings")
    ap.add_argument("--output", default=None, help="default: MODEL_DIR/model.onnx (which the app then uses)")
    args = ap.parse_args(argv)
    if args.calibrate and not args.int8:
        ap.error("--calibrate needs --int8")
    path = export_onnx(args.model_dir, args.output, quantize=args.int8, calibration_audio=args.calibrate)
    print(f"wrote {path} ({path.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
