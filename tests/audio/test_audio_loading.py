import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf

from diary_app.audio import SAMPLE_RATE, AudioLoadError, load_audio
from diary_app.audio.loading import check_waveform


def test_real_flac_loads_as_16k_mono(speech_clip):
    wave = load_audio(speech_clip)
    info = sf.info(str(speech_clip))
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert abs(wave.size / SAMPLE_RATE - info.duration) < 0.01
    assert np.abs(wave).max() > 0.05


def test_stereo_44k_wav_is_resampled_and_mixed(tmp_path):
    t = np.arange(44100) / 44100
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    sf.write(tmp_path / "s.wav", np.stack([left, -left * 0 + left], axis=1), 44100)
    wave = load_audio(tmp_path / "s.wav")
    assert wave.size == pytest.approx(SAMPLE_RATE, abs=2)
    spectrum = np.abs(np.fft.rfft(wave))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / wave.size - 440) < 3


def test_ogg_loads(tmp_path, speech_clip):
    wave = load_audio(speech_clip)
    sf.write(tmp_path / "x.ogg", wave, SAMPLE_RATE, format="OGG", subtype="VORBIS")
    assert abs(load_audio(tmp_path / "x.ogg").size - wave.size) < SAMPLE_RATE * 0.05


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the mp3")
def test_mp3_loads(tmp_path, speech_clip):
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(speech_clip), str(tmp_path / "x.mp3")], check=True)
    wave = load_audio(tmp_path / "x.mp3")
    assert abs(wave.size / SAMPLE_RATE - sf.info(str(speech_clip)).duration) < 0.1


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"this is a text file, not audio" * 20), "unreadable"),
        (lambda p: sf.write(p, np.zeros(1000, dtype="float32"), SAMPLE_RATE), "too_short"),
        (lambda p: sf.write(p, np.zeros(0, dtype="float32"), SAMPLE_RATE), "empty"),
        (lambda p: p.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 8), "unreadable"),
        (lambda p: None, "missing"),
    ],
)
def test_bad_input_raises_one_typed_error(tmp_path, make, reason):
    path = tmp_path / "bad.wav"
    make(path)
    with pytest.raises(AudioLoadError) as info:
        load_audio(path)
    assert info.value.reason == reason
    assert str(path) in str(info.value)


def test_check_waveform_rejects_short_buffers():
    with pytest.raises(AudioLoadError):
        check_waveform(np.zeros(100))
    assert check_waveform(np.full(SAMPLE_RATE, 2.0)).max() == 1.0


@pytest.mark.parametrize("rate,n", [(44100, 132317), (48000, 12345), (8000, 8001), (22050, 99)])
def test_the_one_resampler_gives_librosas_soxr_hq_output(rate, n):
    """``audio.loading.resample`` replaced ``librosa.resample(res_type="soxr_hq")``: same samples, same length."""
    librosa = pytest.importorskip("librosa")
    from diary_app.audio.loading import resample

    wave = (np.random.default_rng(0).standard_normal(n) * 0.1).astype(np.float32)
    expected = librosa.resample(wave, orig_sr=rate, target_sr=SAMPLE_RATE, res_type="soxr_hq")
    out = resample(wave, rate)
    assert out.dtype == np.float32 and np.array_equal(out, expected)
    assert resample(wave, SAMPLE_RATE) is not None and resample(wave, SAMPLE_RATE).size == n


def test_streamed_resampling_matches_the_whole_file_inside_the_filter_edges():
    from diary_app.audio.loading import resample, resample_stream

    t = np.arange(48000 * 2) / 48000
    wave = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stream = resample_stream(48000)
    blocks = [stream.resample_chunk(wave[i:i + 4800], last=i + 4800 >= wave.size) for i in range(0, wave.size, 4800)]
    streamed, whole = np.concatenate(blocks), resample(wave, 48000)
    assert abs(streamed.size - whole.size) <= 1
    m = min(streamed.size, whole.size)
    assert np.max(np.abs(streamed[1000:m - 1000] - whole[1000:m - 1000])) < 1e-3
