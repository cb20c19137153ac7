
use builtin;
use str;

set edit:completion:arg-completer[tlcheck] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tlcheck'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tlcheck'= {
            cand --color 'When to use colour in human output'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --model 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --gateway 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --stream-timeout 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)'
            cand --idle-timeout 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --no-key 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand doctor 'Walk the whole tree: key, base URL, network, gateway, models, key info, a chat probe'
            cand report 'Run doctor and print a Markdown report to paste into a support ticket (the key never shown)'
            cand models 'List the models this key may use, the target marked, near misses named'
            cand chat 'Send one minimal chat completion (1 output token; billed) and classify the answer'
            cand stream 'Send one small streamed completion (billed): does it reach `data: [DONE]`, and if not, why'
            cand classify 'Classify a pasted response or what a client printed: `curl -i`/`curl -v`/HTTPie output, a JSON body, an SSE transcript, an SDK traceback or error dump, a log line (offline)'
            cand header 'Lint an Authorization header (offline)'
            cand url 'Check a base URL: the rules (offline), then DNS, connect and "is this the gateway?"'
            cand monitor 'Run the doctor''s checks on a schedule and serve them to Prometheus (`/metrics`, `/probe`)'
            cand explain 'Explain finding codes: what causes each and how to fix it (offline)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tlcheck;doctor'= {
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --model 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --gateway 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --stream-timeout 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)'
            cand --idle-timeout 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted'
            cand --color 'When to use colour in human output'
            cand --no-spend 'Skip every billed request (the chat and stream probes)'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --no-key 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;report'= {
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --model 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --gateway 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --stream-timeout 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)'
            cand --idle-timeout 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted'
            cand --color 'When to use colour in human output'
            cand --no-spend 'Skip every billed request (the chat and stream probes)'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --no-key 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;models'= {
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --model 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --gateway 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --color 'When to use colour in human output'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --no-key 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;chat'= {
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --model 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --gateway 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --color 'When to use colour in human output'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --no-key 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;stream'= {
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --model 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --gateway 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --stream-timeout 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)'
            cand --idle-timeout 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted'
            cand --color 'When to use colour in human output'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --no-key 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;classify'= {
            cand --status 'The HTTP status, when the input is a bare JSON body (otherwise read from `error.code`)'
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --color 'When to use colour in human output'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;header'= {
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --color 'When to use colour in human output'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;url'= {
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of stdout'
            cand --output 'Write the report to FILE instead of stdout'
            cand --json-report 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --color 'When to use colour in human output'
            cand --offline 'Apply the rules only; open no connection'
            cand --strict 'Exit 3 when there are warnings but no failures'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;monitor'= {
            cand --listen 'The address to serve on (only there)'
            cand --interval 'Seconds between runs of the free checks'
            cand --spend-interval 'Seconds between runs that include the billed chat and stream probes'
            cand --config 'A TOML file listing the targets (`[[target]]` with name, base_url, model, and key_file or key_env); without it, one target named `default` from the usual inputs'
            cand --log-format 'How each run is logged on stderr: one line of text, or one JSON object'
            cand --base-url 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]'
            cand --model 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]'
            cand --key-file 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]'
            cand --key 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file'
            cand --gateway 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]'
            cand --timeout 'Deadline for each network step, in seconds'
            cand --cacert 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root'
            cand --stream-timeout 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)'
            cand --idle-timeout 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted'
            cand --color 'When to use colour in human output'
            cand --no-spend 'Never send a billed request'
            cand --no-key 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
            cand --curl 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;explain'= {
            cand --format 'Output format'
            cand -o 'Write the explanation to FILE instead of stdout'
            cand --output 'Write the explanation to FILE instead of stdout'
            cand --color 'When to use colour in human output'
            cand --no-input 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
            cand -v 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand --verbose 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tlcheck;help'= {
            cand doctor 'Walk the whole tree: key, base URL, network, gateway, models, key info, a chat probe'
            cand report 'Run doctor and print a Markdown report to paste into a support ticket (the key never shown)'
            cand models 'List the models this key may use, the target marked, near misses named'
            cand chat 'Send one minimal chat completion (1 output token; billed) and classify the answer'
            cand stream 'Send one small streamed completion (billed): does it reach `data: [DONE]`, and if not, why'
            cand classify 'Classify a pasted response or what a client printed: `curl -i`/`curl -v`/HTTPie output, a JSON body, an SSE transcript, an SDK traceback or error dump, a log line (offline)'
            cand header 'Lint an Authorization header (offline)'
            cand url 'Check a base URL: the rules (offline), then DNS, connect and "is this the gateway?"'
            cand monitor 'Run the doctor''s checks on a schedule and serve them to Prometheus (`/metrics`, `/probe`)'
            cand explain 'Explain finding codes: what causes each and how to fix it (offline)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tlcheck;help;doctor'= {
        }
        &'tlcheck;help;report'= {
        }
        &'tlcheck;help;models'= {
        }
        &'tlcheck;help;chat'= {
        }
        &'tlcheck;help;stream'= {
        }
        &'tlcheck;help;classify'= {
        }
        &'tlcheck;help;header'= {
        }
        &'tlcheck;help;url'= {
        }
        &'tlcheck;help;monitor'= {
        }
        &'tlcheck;help;explain'= {
        }
        &'tlcheck;help;help'= {
        }
    ]
    $completions[$command]
}
