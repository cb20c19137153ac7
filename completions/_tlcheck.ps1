
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tlcheck' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tlcheck'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tlcheck' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--stream-timeout', '--stream-timeout', [CompletionResultType]::ParameterName, 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--no-key', '--no-key', [CompletionResultType]::ParameterName, 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Walk the whole tree: key, base URL, network, gateway, models, key info, a chat probe')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Run doctor and print a Markdown report to paste into a support ticket (the key never shown)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the models this key may use, the target marked, near misses named')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Send one minimal chat completion (1 output token; billed) and classify the answer')
            [CompletionResult]::new('stream', 'stream', [CompletionResultType]::ParameterValue, 'Send one small streamed completion (billed): does it reach `data: [DONE]`, and if not, why')
            [CompletionResult]::new('classify', 'classify', [CompletionResultType]::ParameterValue, 'Classify a pasted response or what a client printed: `curl -i`/`curl -v`/HTTPie output, a JSON body, an SSE transcript, an SDK traceback or error dump, a log line (offline)')
            [CompletionResult]::new('header', 'header', [CompletionResultType]::ParameterValue, 'Lint an Authorization header (offline)')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Check a base URL: the rules (offline), then DNS, connect and "is this the gateway?"')
            [CompletionResult]::new('monitor', 'monitor', [CompletionResultType]::ParameterValue, 'Run the doctor''s checks on a schedule and serve them to Prometheus (`/metrics`, `/probe`)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain finding codes: what causes each and how to fix it (offline)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tlcheck;doctor' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--stream-timeout', '--stream-timeout', [CompletionResultType]::ParameterName, 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--no-spend', '--no-spend', [CompletionResultType]::ParameterName, 'Skip every billed request (the chat and stream probes)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--no-key', '--no-key', [CompletionResultType]::ParameterName, 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;report' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--stream-timeout', '--stream-timeout', [CompletionResultType]::ParameterName, 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--no-spend', '--no-spend', [CompletionResultType]::ParameterName, 'Skip every billed request (the chat and stream probes)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--no-key', '--no-key', [CompletionResultType]::ParameterName, 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;models' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--no-key', '--no-key', [CompletionResultType]::ParameterName, 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;chat' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--no-key', '--no-key', [CompletionResultType]::ParameterName, 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;stream' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--stream-timeout', '--stream-timeout', [CompletionResultType]::ParameterName, 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--no-key', '--no-key', [CompletionResultType]::ParameterName, 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;classify' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'The HTTP status, when the input is a bare JSON body (otherwise read from `error.code`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;header' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;url' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--json-report', '--json-report', [CompletionResultType]::ParameterName, 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Apply the rules only; open no connection')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 3 when there are warnings but no failures')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;monitor' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address to serve on (only there)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Seconds between runs of the free checks')
            [CompletionResult]::new('--spend-interval', '--spend-interval', [CompletionResultType]::ParameterName, 'Seconds between runs that include the billed chat and stream probes')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A TOML file listing the targets (`[[target]]` with name, base_url, model, and key_file or key_env); without it, one target named `default` from the usual inputs')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How each run is logged on stderr: one line of text, or one JSON object')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for each network step, in seconds')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy''s root')
            [CompletionResult]::new('--stream-timeout', '--stream-timeout', [CompletionResultType]::ParameterName, 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy''s cut is seen rather than pre-empted')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--no-spend', '--no-spend', [CompletionResultType]::ParameterName, 'Never send a billed request')
            [CompletionResult]::new('--no-key', '--no-key', [CompletionResultType]::ParameterName, 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;explain' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the explanation to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the explanation to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tlcheck;help' {
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Walk the whole tree: key, base URL, network, gateway, models, key info, a chat probe')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Run doctor and print a Markdown report to paste into a support ticket (the key never shown)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the models this key may use, the target marked, near misses named')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Send one minimal chat completion (1 output token; billed) and classify the answer')
            [CompletionResult]::new('stream', 'stream', [CompletionResultType]::ParameterValue, 'Send one small streamed completion (billed): does it reach `data: [DONE]`, and if not, why')
            [CompletionResult]::new('classify', 'classify', [CompletionResultType]::ParameterValue, 'Classify a pasted response or what a client printed: `curl -i`/`curl -v`/HTTPie output, a JSON body, an SSE transcript, an SDK traceback or error dump, a log line (offline)')
            [CompletionResult]::new('header', 'header', [CompletionResultType]::ParameterValue, 'Lint an Authorization header (offline)')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Check a base URL: the rules (offline), then DNS, connect and "is this the gateway?"')
            [CompletionResult]::new('monitor', 'monitor', [CompletionResultType]::ParameterValue, 'Run the doctor''s checks on a schedule and serve them to Prometheus (`/metrics`, `/probe`)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain finding codes: what causes each and how to fix it (offline)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tlcheck;help;doctor' {
            break
        }
        'tlcheck;help;report' {
            break
        }
        'tlcheck;help;models' {
            break
        }
        'tlcheck;help;chat' {
            break
        }
        'tlcheck;help;stream' {
            break
        }
        'tlcheck;help;classify' {
            break
        }
        'tlcheck;help;header' {
            break
        }
        'tlcheck;help;url' {
            break
        }
        'tlcheck;help;monitor' {
            break
        }
        'tlcheck;help;explain' {
            break
        }
        'tlcheck;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
