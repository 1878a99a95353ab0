package dev.rpcparallel.internal.engine;

/**
 * An application's TLS identity as it travels to its workers in their bootstrap.
 *
 * @param certificate the DER X.509 certificate
 * @param privateKey the PKCS#8 private key
 */
public record AppIdentity(byte[] certificate, byte[] privateKey) {}
