package dev.rpcparallel.internal.remote;

import java.nio.file.Path;

/**
 * One class path entry as it is shipped: a jar (a directory packed into one).
 *
 * @param source the entry on this machine
 * @param jar the file whose bytes are copied (the entry itself, or its packed form)
 * @param sha256 the hex SHA-256 of those bytes, which names the copy on the host
 * @param name the file name used in an existing installation
 * @param size the number of bytes
 */
public record ShippedEntry(Path source, Path jar, String sha256, String name, long size) {}
