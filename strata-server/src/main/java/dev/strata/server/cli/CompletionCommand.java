package dev.strata.server.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code strata completion bash|zsh}: prints picocli's completion script for every command and
 * option. Load it with {@code source <(strata completion bash)}; zsh runs the same script through
 * {@code bashcompinit}, which the script turns on itself.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for strata.",
                "bash: source <(strata completion bash)   (or save it under /etc/bash_completion.d/)",
                "zsh:  source <(strata completion zsh)"})
public final class CompletionCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String s = shell.strip();
        if (!s.equals("bash") && !s.equals("zsh")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Unknown shell '" + shell + "': use bash or zsh");
        }
        String script = AutoComplete.bash("strata", spec.root().commandLine());
        if (s.equals("zsh")) {
            script = "#compdef strata\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
