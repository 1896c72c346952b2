/**
 * Remote invocation: the frames calls travel in and their bounded codec, stable method ids, the
 * argument codec SPI with its Jackson CBOR default, the error model, and the server-side dispatch
 * of an exported interface. Everything here is transport-agnostic and free of I/O; the layer that
 * carries frames over QUIC data streams, the proxies and the load balancing build on it.
 */
package io.barrel.p2p.rpc;
