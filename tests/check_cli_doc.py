#!/usr/bin/env python3
"""docs/cli.md is the CLI contract: it must quote `weyl --help` verbatim and
document every option that the help text names, so the document cannot drift
from the program. Usage: check_cli_doc.py WEYL_PROGRAM SOURCE_DIR"""
import re
import subprocess
import sys

weyl, src = sys.argv[1], sys.argv[2]
help_text = subprocess.run([weyl, "--help"], capture_output=True, text=True, check=True).stdout
doc = open(src + "/docs/cli.md", encoding="utf-8").read()
ok = True
if help_text.rstrip("\n") not in doc:
    print("docs/cli.md does not quote `weyl --help` verbatim (paste its output into the block)")
    ok = False
for flag in sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-o)\b", help_text))):
    if "`" + flag not in doc:
        print("docs/cli.md does not document %s" % flag)
        ok = False
print("cli doc: %s" % ("matches weyl --help" if ok else "out of date"))
sys.exit(0 if ok else 1)
