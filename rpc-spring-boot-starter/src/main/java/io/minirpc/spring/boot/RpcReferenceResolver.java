package io.minirpc.spring.boot;

import io.minirpc.RpcClient;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.annotation.ContextAnnotationAutowireCandidateResolver;
import org.springframework.core.MethodParameter;

/**
 * Spring's own autowiring, plus {@link RpcReference} on constructor and method parameters: such a
 * parameter gets a proxy of the starter's client, resolved by the annotation rather than by type,
 * as the fields are.
 */
final class RpcReferenceResolver extends ContextAnnotationAutowireCandidateResolver {
  /** Installs the resolver where Spring's standard one is in place. */
  static final BeanFactoryPostProcessor INSTALL = beanFactory -> {
    if (beanFactory instanceof DefaultListableBeanFactory bf
        && bf.getAutowireCandidateResolver().getClass()
            == ContextAnnotationAutowireCandidateResolver.class) {
      bf.setAutowireCandidateResolver(new RpcReferenceResolver());
    }
  };

  /** Public, without arguments: Spring copies resolvers by instantiating their class. */
  public RpcReferenceResolver() {}

  @Override
  public Object getSuggestedValue(DependencyDescriptor descriptor) {
    if (descriptor.getAnnotation(RpcReference.class) == null) {
      return super.getSuggestedValue(descriptor);
    }
    Class<?> type = descriptor.getDependencyType();
    String where = where(descriptor);
    if (!type.isInterface()) {
      throw new IllegalStateException("@RpcReference on " + where + ": its type must be the"
          + " service's interface, not " + type.getName());
    }
    BeanFactory bf = getBeanFactory();
    RpcClient client = bf instanceof ListableBeanFactory l
        ? l.getBeanProvider(RpcClient.class).getIfAvailable() : null;
    if (client == null) {
      throw new IllegalStateException("@RpcReference on " + where + " needs a minirpc client,"
          + " and there is none: set minirpc.address (host:port of the server) in the"
          + " application's properties");
    }
    return client.proxy(type);
  }

  private static String where(DependencyDescriptor d) {
    MethodParameter p = d.getMethodParameter();
    if (p == null) {
      return d.getField() == null ? d.getDependencyType().getName()
          : d.getField().getDeclaringClass().getName() + "." + d.getField().getName();
    }
    String member = p.getConstructor() != null ? "the constructor of "
        + p.getDeclaringClass().getName() : p.getDeclaringClass().getName() + "."
        + p.getMember().getName();
    return "parameter " + (p.getParameterIndex() + 1) + " of " + member;
  }
}
