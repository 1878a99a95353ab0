package dev.rpcparallel.internal.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one child process.
 *
 * @param name the worker's name (or id), for output prefixes and messages
 * @param command the program and its arguments
 * @param env variables added to this process's environment
 * @param directory the working directory
 * @param stdout where its stdout goes
 * @param stderr where its stderr goes
 * @param newSession start it in a session of its own (via {@code setsid} where available), so a
 *     terminal's Ctrl-C to our process group does not reach it
 */
public record LaunchSpec(
    String name, List<String> command, Map<String, String> env, Path directory, Output stdout, Output stderr, boolean newSession) {}
