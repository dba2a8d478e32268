#!/usr/bin/env bash
# The consumer test: packs the six packages into a temporary folder feed, checks what each ships, then builds and runs
# apps that reference them by version, as another team would:
#   - eng/consumer/Program.cs: the dashboard in a web app over a SQLite store, with health checks;
#   - the README's quick start pasted as Program.cs into a console app pinned to Microsoft.Extensions 10.0.0;
#   - SyncKit.Testing's MSTest and xunit v3 files (its README) as test projects of those frameworks, which run the
#     store conformance kit, one test per case, with no xunit 2 in them.
# Restore uses the machine's package feed plus the temporary one, into a temporary package folder, so no earlier
# package of the same version is picked up. Ends with "consumer test passed" or exits non-zero saying what failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
fail() { echo "consumer test failed: $*" >&2; exit 1; }

# Pack with the build settings a release uses (dotnet pack turns on ContinuousIntegrationBuild), outside the tree's bin/obj.
suffix="consumer.$(date +%s)"
for project in src/*/*.csproj; do
  dotnet pack "$project" -c Release -o "$feed" --artifacts-path "$work/artifacts" -p:VersionSuffix="$suffix" -nologo -v quiet \
    || fail "dotnet pack $project"
done
version=$(basename "$feed"/SyncKit.Sqlite.*.nupkg .nupkg); version=${version#SyncKit.Sqlite.}
echo "Packed version $version into $feed"

for id in SyncKit SyncKit.Sqlite SyncKit.Postgres SyncKit.AspNetCore SyncKit.Testing SyncKit.Testing.Xunit; do
  package="$feed/$id.$version.nupkg"
  [ -f "$package" ] || fail "$id.$version.nupkg was not packed"
  [ -f "$feed/$id.$version.snupkg" ] || fail "$id has no symbol package"
  contents=$(unzip -Z1 "$package")
  for entry in "lib/net10.0/$id.dll" "lib/net10.0/$id.xml" "README.md"; do
    grep -qx "$entry" <<<"$contents" || fail "$id does not ship $entry"
  done
  nuspec=$(unzip -p "$package" "$id.nuspec")
  grep -q '<repository type="git"[^>]* commit="[0-9a-f]\{40\}"' <<<"$nuspec" || fail "$id's nuspec names no repository commit"
  if grep -qF "$root" <<<"$nuspec"; then fail "$id's nuspec holds the build machine's path $root"; fi
done

# The machine's feed and package folder stay as they are; the packed packages and what they pull come from here.
fallback="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo "  <config><add key=\"globalPackagesFolder\" value=\"$work/packages\" /></config>"
  [ -d "$fallback" ] && echo "  <fallbackPackageFolders><add key=\"machine\" value=\"$fallback\" /></fallbackPackageFolders>"
  echo "  <packageSources><add key=\"synckit-consumer-test\" value=\"$feed\" /></packageSources>"
  echo '</configuration>'
} >"$work/NuGet.config"

# The first complete file a README shows under the fence line $2, exactly as a reader copies it.
complete_file() {
  awk -v fence="$2" '$0 == fence { found = 1; next }
       found && /^```$/ { exit }
       found { print }' "$1"
}

mkdir -p "$work/consumer" "$work/quickstart"
cp eng/consumer/Consumer.csproj eng/consumer/Program.cs "$work/consumer/"
cp eng/consumer/QuickStart.csproj "$work/quickstart/"
complete_file README.md '```csharp complete Microsoft.NET.Sdk' >"$work/quickstart/Program.cs"
[ -s "$work/quickstart/Program.cs" ] || fail "no quick start found in README.md"

dotnet build "$work/consumer/Consumer.csproj" -c Release -p:SyncKitVersion="$version" -nologo -v quiet || fail "the web app does not build against the packages"
dotnet "$work/consumer/bin/Release/net10.0/Consumer.dll" || fail "the web app's checks"

dotnet build "$work/quickstart/QuickStart.csproj" -c Release -p:SyncKitVersion="$version" -nologo -v quiet \
  || fail "the README quick start does not build as pasted, on Microsoft.Extensions 10.0.0"
# It runs the job once and prints the run, then keeps running on its schedule: stop it once the line is out.
ran=0
coproc quickstart { cd "$work/quickstart" && exec dotnet bin/Release/net10.0/QuickStart.dll 2>&1; }
while IFS= read -r -t 120 line <&"${quickstart[0]}"; do
  if [[ $line == "Succeeded: read 1, written 1" ]]; then ran=1; break; fi
done
kill -TERM "$quickstart_PID" 2>/dev/null || true
wait "$quickstart_PID" 2>/dev/null || true
[ "$ran" -eq 1 ] || fail "the README quick start did not print 'Succeeded: read 1, written 1'"

# The conformance kits under other test frameworks: each README file in a test project of its framework, every case
# a test that passes (a kit whose cases collapsed into one test, or ran none, fails here).
for framework in mstest:KitsMSTest xunitv3:KitsXunitV3; do
  name=${framework%%:*}; project=${framework#*:}
  mkdir -p "$work/$name"
  cp "eng/consumer/$project.csproj" "$work/$name/"
  complete_file src/SyncKit.Testing/README.md "\`\`\`csharp complete Microsoft.NET.Sdk $name" >"$work/$name/ConformanceTests.cs"
  [ -s "$work/$name/ConformanceTests.cs" ] || fail "no $name file found in src/SyncKit.Testing/README.md"
  dotnet test "$work/$name/$project.csproj" -c Release -p:SyncKitVersion="$version" -nologo -v quiet \
    --logger "trx;LogFileName=$name.trx" --results-directory "$work/results" >"$work/$name.log" 2>&1 \
    || { cat "$work/$name.log" >&2; fail "SyncKit.Testing's $name file does not build or pass against the packages"; }
  counters=$(grep -o '<Counters [^>]*>' "$work/results/$name.trx" | head -1)
  passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  [ "${passed:-0}" -gt 50 ] || fail "SyncKit.Testing's $name file ran ${passed:-no} tests, not one per case of the store kit"
  echo "SyncKit.Testing under $name: $passed cases passed"
done

echo "consumer test passed"
