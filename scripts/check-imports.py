#!/usr/bin/env python3
"""Checks the import rule of docs/architecture.md: every `import X` of a package module in a target's sources names a
target that target depends on in Package.swift. SwiftPM builds every module into one directory, so an undeclared
import of an already-built module can compile by accident; this catches it. Run from the repository root:
    python3 scripts/check-imports.py
Exit status 1 lists the violations."""
import glob, json, re, subprocess, sys

package = json.loads(subprocess.run(["swift", "package", "dump-package"], capture_output=True, text=True, check=True).stdout)
deps, paths = {}, {}
for target in package["targets"]:
    names = set()
    for dep in target["dependencies"]:
        for kind in ("byName", "target", "product"):
            if kind in dep:
                names.add(dep[kind][0])
    deps[target["name"]] = names
    paths[target["name"]] = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + target["name"]

pattern = re.compile(r"\s*(?:@testable\s+|@_exported\s+)?import\s+(?:(?:struct|class|enum|func|protocol)\s+)?(\w+)")
violations = []
for name, path in sorted(paths.items()):
    for file in sorted(glob.glob(path + "/**/*.swift", recursive=True)):
        with open(file, encoding="utf-8") as source:
            for number, line in enumerate(source, 1):
                match = pattern.match(line)
                if match and match.group(1) in deps and match.group(1) != name and match.group(1) not in deps[name]:
                    violations.append(f"{file}:{number}: {name} imports {match.group(1)} but does not depend on it")
print("\n".join(violations) or f"imports match Package.swift ({len(paths)} targets)")
sys.exit(1 if violations else 0)
