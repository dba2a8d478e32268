#!/usr/bin/env python3
"""Adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt
and drops the ones reported as removed (RS0017). Run after changing public API: python3 eng/update-public-api.py"""
import re, subprocess, sys, collections, pathlib
out = subprocess.run(["dotnet", "build", "SyncKit.sln", "--no-incremental", "-p:TreatWarningsAsErrors=false"],
                     capture_output=True, text=True).stdout
added, removed = collections.defaultdict(set), collections.defaultdict(set)
for m in re.finditer(r"(RS0016|RS0017): Symbol '(.+?)' is (?:not part|part) of the declared.*?\[(.+?\.csproj)", out):
    code, sym, proj = m.groups()
    (added if code == "RS0016" else removed)[proj].add(sym)
for proj in set(added) | set(removed):
    f = pathlib.Path(proj).parent / "PublicAPI.Unshipped.txt"
    lines = [l for l in f.read_text().splitlines() if l and l not in removed[proj]]
    head = [l for l in lines if l.startswith("#")]
    body = sorted(set(l for l in lines if not l.startswith("#")) | added[proj])
    f.write_text("\n".join(head + body) + "\n")
    print(f"{f}: +{len(added[proj])} -{len(removed[proj])}")
