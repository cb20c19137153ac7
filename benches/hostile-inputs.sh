#!/bin/sh
# Time and peak memory of the release binary on hostile inputs: classify of 1, 10 and 100 MB
# pastes, a 1 MB paste with 50,000 key-like tokens, and a 120 KiB key (the longest an environment
# variable may hold). Needs GNU time (`/usr/bin/time -v`). Usage: benches/hostile-inputs.sh
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/tlcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, then the command; prints wall time and max RSS
    label=$1
    shift
    /usr/bin/time -v "$@" >/dev/null 2>"$work/time" || true
    wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$work/time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time")
    printf '| %s | %s | %s MB |\n' "$label" "$wall" "$(awk "BEGIN { printf \"%.1f\", $rss / 1024 }")"
}

paste_of() { # size in MB: a 401 with an error body padded to the size
    head='HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{"error":{"message":"Authentication Error, Invalid proxy server token passed. '
    printf "$head" >"$work/paste"
    head -c "$(($1 * 1024 * 1024))" /dev/zero | tr '\0' 'a' >>"$work/paste"
    printf '","type":"auth_error","param":"None","code":"401"}}' >>"$work/paste"
}

echo '| input | wall time | peak memory |'
echo '|---|---|---|'
for mb in 1 10 100; do
    paste_of "$mb"
    measure "classify, $mb MB paste on stdin" sh -c "$bin classify --format json < $work/paste"
done

awk 'BEGIN { printf "HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\n\r\n";
             for (i = 0; i < 50000; i++) printf "sk-%012dx ", i; }' >"$work/tokens"
measure "classify, 1 MB paste with 50,000 sk- tokens" sh -c "$bin classify < $work/tokens"

key="sk-$(head -c 122880 /dev/zero | tr '\0' 'a')"
measure "header, a 120 KiB key in TENSORLOOP_KEY" env TENSORLOOP_KEY="$key" "$bin" header --format json
measure "doctor, a 120 KiB key (nothing sent)" env TENSORLOOP_KEY="$key" TENSORLOOP_BASE_URL=http://127.0.0.1:9/v1 "$bin" doctor --format json
