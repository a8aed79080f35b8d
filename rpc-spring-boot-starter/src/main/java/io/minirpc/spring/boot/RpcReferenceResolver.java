package io.minirpc.spring.boot;

import io.minirpc.RpcClient;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.annotation.ContextAnnotationAutowireCandidateResolver;
import org.springframework.core.MethodParameter;

/**
 * Spring's own autowiring, plus {@link RpcReference} on constructor and method parameters: such a
 * parameter gets a proxy of the starter's client, resolved by the annotation rather than by type,
 * as the fields are.
 */
final class RpcReferenceResolver extends ContextAnnotationAutowireCandidateResolver {
  /**
   * Installs the resolver: in place of Spring's standard one, or around another that the
   * application set, which then answers everything but {@link RpcReference} parameters.
   */
  static final BeanFactoryPostProcessor INSTALL = beanFactory -> {
    if (beanFactory instanceof DefaultListableBeanFactory bf) {
      AutowireCandidateResolver current = bf.getAutowireCandidateResolver();
      if (current.getClass() == ContextAnnotationAutowireCandidateResolver.class) {
        bf.setAutowireCandidateResolver(new RpcReferenceResolver());
      } else if (!(current instanceof RpcReferenceResolver || current instanceof Around)) {
        bf.setAutowireCandidateResolver(new Around(current));
      }
    }
  };

  /** Public, without arguments: Spring copies resolvers by instantiating their class. */
  public RpcReferenceResolver() {}

  @Override
  public Object getSuggestedValue(DependencyDescriptor descriptor) {
    Object proxy = proxy(descriptor, getBeanFactory());
    return proxy != null ? proxy : super.getSuggestedValue(descriptor);
  }

  /** A proxy for a dependency marked {@link RpcReference}; null for any other. */
  static Object proxy(DependencyDescriptor descriptor, BeanFactory bf) {
    if (descriptor.getAnnotation(RpcReference.class) == null) {
      return null;
    }
    Class<?> type = descriptor.getDependencyType();
    String where = where(descriptor);
    if (!type.isInterface()) {
      throw new IllegalStateException("@RpcReference on " + where + ": its type must be the"
          + " service's interface, not " + type.getName());
    }
    RpcClient client = bf instanceof ListableBeanFactory l
        ? l.getBeanProvider(RpcClient.class).getIfAvailable() : null;
    if (client == null) {
      throw new IllegalStateException("@RpcReference on " + where + " needs a minirpc client,"
          + " and there is none: set minirpc.address (host:port of the server) in the"
          + " application's properties");
    }
    return client.proxy(type);
  }

  /** Another resolver, with {@link RpcReference} parameters answered before it is asked. */
  static final class Around implements AutowireCandidateResolver, BeanFactoryAware {
    private final AutowireCandidateResolver inner;
    private BeanFactory beanFactory;

    Around(AutowireCandidateResolver inner) {
      this.inner = inner;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
      this.beanFactory = beanFactory;
      if (inner instanceof BeanFactoryAware aware) {
        aware.setBeanFactory(beanFactory);
      }
    }

    @Override
    public Object getSuggestedValue(DependencyDescriptor descriptor) {
      Object proxy = proxy(descriptor, beanFactory);
      return proxy != null ? proxy : inner.getSuggestedValue(descriptor);
    }

    @Override
    public boolean isAutowireCandidate(BeanDefinitionHolder holder, DependencyDescriptor d) {
      return inner.isAutowireCandidate(holder, d);
    }

    @Override
    public boolean isRequired(DependencyDescriptor descriptor) {
      return inner.isRequired(descriptor);
    }

    @Override
    public boolean hasQualifier(DependencyDescriptor descriptor) {
      return inner.hasQualifier(descriptor);
    }

    @Override
    public String getSuggestedName(DependencyDescriptor descriptor) {
      return inner.getSuggestedName(descriptor);
    }

    @Override
    public Object getLazyResolutionProxyIfNecessary(DependencyDescriptor d, String beanName) {
      return inner.getLazyResolutionProxyIfNecessary(d, beanName);
    }

    @Override
    public Class<?> getLazyResolutionProxyClass(DependencyDescriptor d, String beanName) {
      return inner.getLazyResolutionProxyClass(d, beanName);
    }

    @Override
    public AutowireCandidateResolver cloneIfNecessary() {
      return new Around(inner.cloneIfNecessary());
    }
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
