/** Spring Boot auto-configuration of a barrel-p2p node. */
package io.barrel.p2p.autoconfigure;
