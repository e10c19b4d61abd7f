package io.reflex.cli;

import io.reflex.harness.nginx.NginxBuild;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --nginx-build-script FILE}: the script that builds the patched NGINX, for every command
 * that runs the real NGINX; one name, one default (found above the working directory) and one
 * error for a missing file.
 */
final class NginxBuildScriptOption {

    @Option(names = "--nginx-build-script", paramLabel = "FILE",
            description = "The NGINX build script (default: nginx-sidecar/nginx/build-nginx.sh above the working directory).")
    Path buildScript;

    /** The script given, or the one found above the working directory; a parameter error naming what is missing. */
    Path resolve(CommandLine cli) {
        if (buildScript == null) {
            try {
                return NginxBuild.findScript(Path.of(""));
            } catch (IllegalStateException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
        }
        Args.require(cli, Files.isRegularFile(buildScript), "--nginx-build-script: file not found: %s", buildScript);
        return buildScript;
    }
}
