# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tlcheck_global_optspecs
    string join \n color= no-input v/verbose base-url= model= key-file= key= no-key gateway= timeout= cacert= curl stream-timeout= idle-timeout= h/help V/version
end

function __fish_tlcheck_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tlcheck_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tlcheck_using_subcommand
    set -l cmd (__fish_tlcheck_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tlcheck -n "__fish_tlcheck_needs_command" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l model -d 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]' -r
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l gateway -d 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l stream-timeout -d 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)' -r
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l idle-timeout -d 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy\'s cut is seen rather than pre-empted' -r
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l no-key -d 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -s h -l help -d 'Print help'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -s V -l version -d 'Print version'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "doctor" -d 'Walk the whole tree: key, base URL, network, gateway, models, key info, a chat probe'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "report" -d 'Run doctor and print a Markdown report to paste into a support ticket (the key never shown)'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "models" -d 'List the models this key may use, the target marked, near misses named'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "chat" -d 'Send one minimal chat completion (1 output token; billed) and classify the answer'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "stream" -d 'Send one small streamed completion (billed): does it reach `data: [DONE]`, and if not, why'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "classify" -d 'Classify a pasted response or what a client printed: `curl -i`/`curl -v`/HTTPie output, a JSON body, an SSE transcript, an SDK traceback or error dump, a log line (offline)'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "header" -d 'Lint an Authorization header (offline)'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "url" -d 'Check a base URL: the rules (offline), then DNS, connect and "is this the gateway?"'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "monitor" -d 'Run the doctor\'s checks on a schedule and serve them to Prometheus (`/metrics`, `/probe`)'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "explain" -d 'Explain finding codes: what causes each and how to fix it (offline)'
complete -c tlcheck -n "__fish_tlcheck_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l format -d 'Output format' -r -f -a "human\t'Readable, coloured report'
json\t'One JSON document on stdout'
markdown\t'A Markdown report to paste into a support ticket'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'
openmetrics\t'Prometheus metrics in the OpenMetrics text format (node_exporter\'s textfile collector, a Pushgateway)'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l model -d 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l gateway -d 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l stream-timeout -d 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l idle-timeout -d 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy\'s cut is seen rather than pre-empted' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l no-spend -d 'Skip every billed request (the chat and stream probes)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l no-key -d 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l format -d 'Output format' -r -f -a "markdown\t'A Markdown report to paste into a support ticket'
json\t'One JSON document on stdout'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l model -d 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l gateway -d 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l stream-timeout -d 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l idle-timeout -d 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy\'s cut is seen rather than pre-empted' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l no-spend -d 'Skip every billed request (the chat and stream probes)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l no-key -d 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l format -d 'Output format' -r -f -a "human\t'Readable, coloured report'
json\t'One JSON document on stdout'
markdown\t'A Markdown report to paste into a support ticket'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l model -d 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l gateway -d 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l no-key -d 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand models" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l format -d 'Output format' -r -f -a "human\t'Readable, coloured report'
json\t'One JSON document on stdout'
markdown\t'A Markdown report to paste into a support ticket'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l model -d 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l gateway -d 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l no-key -d 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand chat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l format -d 'Output format' -r -f -a "human\t'Readable, coloured report'
json\t'One JSON document on stdout'
markdown\t'A Markdown report to paste into a support ticket'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l model -d 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l gateway -d 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l stream-timeout -d 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l idle-timeout -d 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy\'s cut is seen rather than pre-empted' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l no-key -d 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand stream" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -l status -d 'The HTTP status, when the input is a bare JSON body (otherwise read from `error.code`)' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -l format -d 'Output format' -r -f -a "human\t'Readable, coloured report'
json\t'One JSON document on stdout'
markdown\t'A Markdown report to paste into a support ticket'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand classify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -l format -d 'Output format' -r -f -a "human\t'Readable, coloured report'
json\t'One JSON document on stdout'
markdown\t'A Markdown report to paste into a support ticket'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand header" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l format -d 'Output format' -r -f -a "human\t'Readable, coloured report'
json\t'One JSON document on stdout'
markdown\t'A Markdown report to paste into a support ticket'
junit\t'JUnit XML: one test case per check'
github\t'GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l json-report -d 'Also write the JSON document to FILE, whatever the format (one run, two reports: CI)' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l offline -d 'Apply the rules only; open no connection'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l strict -d 'Exit 3 when there are warnings but no failures'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand url" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l listen -d 'The address to serve on (only there)' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l interval -d 'Seconds between runs of the free checks' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l spend-interval -d 'Seconds between runs that include the billed chat and stream probes' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l config -d 'A TOML file listing the targets (`[[target]]` with name, base_url, model, and key_file or key_env); without it, one target named `default` from the usual inputs' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l log-format -d 'How each run is logged on stderr: one line of text, or one JSON object' -r -f -a "text\t'One line of text per run'
json\t'One JSON object per line per run'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l base-url -d 'Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l model -d 'Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l key-file -d 'Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l key -d 'The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l gateway -d 'With --no-key and a key in the environment or a key file: also stream through this gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l timeout -d 'Deadline for each network step, in seconds' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l cacert -d 'Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy\'s root' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l stream-timeout -d 'Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is told from a slow stream)' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l idle-timeout -d 'Longest time without an event inside a stream, in seconds (keepalive comments do not count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a proxy\'s cut is seen rather than pre-empted' -r
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l no-spend -d 'Never send a billed request'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l no-key -d 'Send no key: check a route of your own backend that adds the key itself (its URL in --base-url). The models and stream checks run without a key; any key configured is unused'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l curl -d 'Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand monitor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand explain" -l format -d 'Output format' -r -f -a "human\t'Readable text'
json\t'One JSON document on stdout'"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand explain" -s o -l output -d 'Write the explanation to FILE instead of stdout' -r -F
complete -c tlcheck -n "__fish_tlcheck_using_subcommand explain" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tlcheck -n "__fish_tlcheck_using_subcommand explain" -l no-input -d 'Never prompt (also implied when CI is set or stdin/stderr is not a terminal)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand explain" -s v -l verbose -d 'Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "doctor" -d 'Walk the whole tree: key, base URL, network, gateway, models, key info, a chat probe'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "report" -d 'Run doctor and print a Markdown report to paste into a support ticket (the key never shown)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "models" -d 'List the models this key may use, the target marked, near misses named'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "chat" -d 'Send one minimal chat completion (1 output token; billed) and classify the answer'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "stream" -d 'Send one small streamed completion (billed): does it reach `data: [DONE]`, and if not, why'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "classify" -d 'Classify a pasted response or what a client printed: `curl -i`/`curl -v`/HTTPie output, a JSON body, an SSE transcript, an SDK traceback or error dump, a log line (offline)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "header" -d 'Lint an Authorization header (offline)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "url" -d 'Check a base URL: the rules (offline), then DNS, connect and "is this the gateway?"'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "monitor" -d 'Run the doctor\'s checks on a schedule and serve them to Prometheus (`/metrics`, `/probe`)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "explain" -d 'Explain finding codes: what causes each and how to fix it (offline)'
complete -c tlcheck -n "__fish_tlcheck_using_subcommand help; and not __fish_seen_subcommand_from doctor report models chat stream classify header url monitor explain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
