"""Builds libweyl (CMake, the shared library target only) from the source
tree this directory sits in and bundles it in the package as
weyl/libweyl.so.0.2, so that `import weyl` needs no environment variable.

WEYL_PREBUILT_LIB=path/to/libweyl.so bundles an already built library
instead (the test suite uses it to skip a second compile). Everything else
is in pyproject.toml."""
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SONAME = "libweyl.so.0.2"


def libweyl():
    prebuilt = os.environ.get("WEYL_PREBUILT_LIB")
    if prebuilt:
        return os.path.realpath(prebuilt)
    if not os.path.isfile(os.path.join(ROOT, "include", "weyl", "weyl.h")):
        raise RuntimeError(f"weyl: {ROOT} is not the weyl source tree; install from "
                           "src/python inside it, or set WEYL_PREBUILT_LIB")
    build = os.path.join(ROOT, "build-python")  # kept: a second install compiles nothing
    subprocess.check_call(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                           "-DWEYL_TESTS=OFF"], stdout=subprocess.DEVNULL)
    subprocess.check_call(["cmake", "--build", build, "--target", "weyl_shared",
                           "-j", str(os.cpu_count() or 2)])
    return os.path.join(build, SONAME)


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            target = os.path.join(self.build_lib, "weyl", SONAME)
            shutil.copyfile(libweyl(), target)  # follows the symlink chain
            os.chmod(target, 0o755)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):  # a platform wheel: it carries libweyl.so
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
