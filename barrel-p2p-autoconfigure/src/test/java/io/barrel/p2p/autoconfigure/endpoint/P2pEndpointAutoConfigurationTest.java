package io.barrel.p2p.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import io.barrel.p2p.identity.Ed25519;
import io.barrel.p2p.autoconfigure.rpc.P2pRpcAutoConfiguration;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.spring.ImportP2pServices;
import io.barrel.p2p.spring.P2pService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class P2pEndpointAutoConfigurationTest {

  @TempDir
  Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class, P2pEndpointAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.transport.bind-host=127.0.0.1", "barrel.p2p.single-node=true",
            "management.endpoints.web.exposure.include=p2p");
  }

  @Test
  void theReportShowsIdentityViewsServicesAndTrust() {
    runner().run(context -> {
      P2pNode node = context.getBean(P2pNode.class);
      node.registry().register("orders", ServiceMetadata.EMPTY.withVersion("2.1").withTags(Set.of("eu"))).join();
      NodeReport report = context.getBean(P2pEndpoint.class).report();
      assertThat(report.running()).isTrue();
      String address = "127.0.0.1:" + node.listenAddress().getPort();
      assertThat(report.identity())
          .isEqualTo(new NodeReport.Identity("a@127.0.0.1", node.fingerprint().hex(), address, address));
      assertThat(report.views()).isEqualTo(new NodeReport.Views(List.of(), List.of()));
      assertThat(report.connections()).isEmpty();
      assertThat(report.services().local()).singleElement().satisfies(i -> {
        assertThat(i.service()).isEqualTo("orders");
        assertThat(i.node()).isEqualTo("a@127.0.0.1");
        assertThat(i.version()).isEqualTo("2.1");
        assertThat(i.tags()).containsExactly("eu");
        assertThat(i.weight()).isEqualTo(100);
      });
      assertThat(report.services().cluster()).containsOnlyKeys("orders");
      assertThat(report.trust()).isEqualTo(new NodeReport.Trust("tofu", List.of()));
    });
  }

  /** A published service of this test. */
  public interface Pricing {
    long price(String sku);
  }

  @Configuration(proxyBeanMethods = false)
  @ImportP2pServices(group = "prices", types = Pricing.class)
  static class RpcApp {
    @Bean
    @P2pService(version = "1.2", tags = "eu", weight = 50)
    Pricing pricing() {
      return sku -> 42;
    }
  }

  @Test
  void theRpcPartShowsPublicationsCallsInFlightAndClientGroups() {
    runner().withConfiguration(AutoConfigurations.of(P2pRpcAutoConfiguration.class)).withUserConfiguration(RpcApp.class)
        .withPropertyValues("barrel.p2p.client.prices.deadline=1500ms", "barrel.p2p.client.prices.balancer=random",
            "barrel.p2p.client.prices.headers.authorization=secret-token")
        .run(context -> {
          assertThat(context).hasNotFailed();
          NodeReport.Rpc rpc = (NodeReport.Rpc) context.getBean(P2pEndpoint.class).section("rpc");
          assertThat(rpc.publications()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(Pricing.class.getName());
            assertThat(p.serviceInterface()).isEqualTo(Pricing.class.getName());
            assertThat(p.version()).isEqualTo("1.2");
            assertThat(p.tags()).containsExactly("eu");
            assertThat(p.weight()).isEqualTo(50);
          });
          assertThat(rpc.callsInFlight()).isZero();
          assertThat(rpc.callsBeingServed()).isZero();
          assertThat(rpc.clients()).containsOnlyKeys("prices");
          assertThat(rpc.clients().get("prices")).isEqualTo(new NodeReport.ClientGroup(
              List.of(Pricing.class.getName()), null, "random", "", List.of(), 1500, 3, 0, 5, List.of("authorization")));
          assertThat(rpc.clients().toString()).as("header values are not shown").doesNotContain("secret-token");
        });
  }

  @Test
  void eachPartReadsOnItsOwnAndAnUnknownPartIsABadRequest() {
    runner().run(context -> {
      P2pEndpoint endpoint = context.getBean(P2pEndpoint.class);
      for (String section : P2pEndpoint.SECTIONS) {
        assertThat(endpoint.section(section)).as(section).isNotNull();
      }
      assertThat(endpoint.section("trust")).isInstanceOf(NodeReport.Trust.class);
      assertThatThrownBy(() -> endpoint.section("secrets")).isInstanceOf(InvalidEndpointRequestException.class)
          .hasMessageContaining("identity, views, connections, services, trust");
    });
  }

  @Test
  void unpinRemovesAKeyPinnedForANode() {
    runner().run(context -> {
      P2pNode node = context.getBean(P2pNode.class);
      P2pEndpoint endpoint = context.getBean(P2pEndpoint.class);
      node.trustStore().pin(NodeName.of("b@127.0.0.1"), Ed25519.publicKeyOf(Ed25519.generateSeed(new java.security.SecureRandom())));
      assertThat(endpoint.report().trust().pins()).extracting(NodeReport.Pin::node).containsExactly("b@127.0.0.1");
      assertThat(endpoint.operate("unpin", "b@127.0.0.1")).containsEntry("removed", true);
      assertThat(endpoint.operate("unpin", "b@127.0.0.1")).containsEntry("removed", false);
      assertThat(node.trustStore().list()).isEmpty();
      assertThatThrownBy(() -> endpoint.operate("unpin", null)).isInstanceOf(InvalidEndpointRequestException.class)
          .hasMessageContaining("unpin needs the node's name");
      assertThatThrownBy(() -> endpoint.operate("unpin", "no-at")).isInstanceOf(InvalidEndpointRequestException.class)
          .hasMessageContaining("invalid node name");
    });
  }

  @Test
  void rotateIdentityPutsANewKeyInUse() {
    runner().run(context -> {
      P2pNode node = context.getBean(P2pNode.class);
      String before = node.fingerprint().hex();
      Map<String, Object> result = context.getBean(P2pEndpoint.class).operate("rotate-identity", null);
      assertThat(result.get("fingerprint")).isEqualTo(node.fingerprint().hex()).isNotEqualTo(before);
      assertThat(Path.of((String) result.get("backup"))).isDirectory();
    });
  }

  @Test
  void leaveUnregistersTheServicesAndAJoinAfterwardsIsRefused() {
    runner().run(context -> {
      P2pNode node = context.getBean(P2pNode.class);
      P2pEndpoint endpoint = context.getBean(P2pEndpoint.class);
      assertThat(endpoint.operate("join", "b@127.0.0.1")).containsEntry("contact", "b@127.0.0.1");
      node.registry().register("orders", ServiceMetadata.EMPTY).join();
      endpoint.operate("leave", null);
      assertThat(node.registry().lookupLocal("orders")).isEmpty();
      assertThat(node.isRunning()).isTrue();
      assertThatThrownBy(() -> endpoint.operate("join", "b@127.0.0.1"))
          .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("has left the cluster");
      assertThatThrownBy(() -> endpoint.operate("restart", null)).isInstanceOf(InvalidEndpointRequestException.class)
          .hasMessageContaining("join, leave, rotate-identity, unpin");
    });
  }

  @Test
  void writeOperationsAreOffUnlessTheOperatorOptsIn() {
    Endpoint endpoint = P2pEndpoint.class.getAnnotation(Endpoint.class);
    assertThat(endpoint.id()).isEqualTo("p2p");
    assertThat(endpoint.defaultAccess()).isEqualTo(Access.READ_ONLY);
  }

  @Test
  void theEndpointNeedsToBeExposedTheActuatorPresentAndNoEndpointOfTheApplications() {
    runner().withPropertyValues("management.endpoints.web.exposure.include=health")
        .run(context -> assertThat(context).doesNotHaveBean(P2pEndpoint.class).hasSingleBean(P2pNode.class));
    runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(P2pEndpoint.class);
          assertThat(context.getBean(P2pNode.class).isRunning()).isTrue();
        });
    P2pEndpoint own = new P2pEndpoint(new P2pNode(io.barrel.p2p.NodeConfig.builder("x@y").build()), Duration.ZERO);
    runner().withBean(P2pEndpoint.class, () -> own)
        .run(context -> assertThat(context).getBean(P2pEndpoint.class).isSameAs(own));
  }

  @Test
  void theReportRecordsHaveReflectionHintsForJson() {
    RuntimeHints hints = new RuntimeHints();
    new P2pEndpointAutoConfiguration.ReportHints().registerHints(hints, getClass().getClassLoader());
    for (Class<?> type : List.of(NodeReport.class, NodeReport.Identity.class, NodeReport.Instance.class,
        NodeReport.Pin.class, NodeReport.Connection.class, NodeReport.Rpc.class, NodeReport.Publication.class,
        NodeReport.ClientGroup.class)) {
      assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
    }
    assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(NodeReport.Identity.class, "fingerprint"))
        .accepts(hints);
  }
}
