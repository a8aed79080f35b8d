package io.minirpc.spring.boot;

import io.minirpc.RpcClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.beans.PropertyValues;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/** Sets every {@link RpcReference} field to a proxy of the starter's client. */
final class RpcReferenceInjector implements InstantiationAwareBeanPostProcessor {
  private final ObjectProvider<RpcClient> client;

  RpcReferenceInjector(ObjectProvider<RpcClient> client) {
    this.client = client;
  }

  @Override
  public PropertyValues postProcessProperties(PropertyValues values, Object bean,
      String beanName) {
    ReflectionUtils.doWithFields(ClassUtils.getUserClass(bean),
        field -> inject(field, bean, beanName),
        field -> field.isAnnotationPresent(RpcReference.class));
    return values;
  }

  private void inject(Field field, Object bean, String beanName) {
    String where = field.getDeclaringClass().getName() + "." + field.getName();
    if (!field.getType().isInterface() || Modifier.isStatic(field.getModifiers())) {
      throw new BeanCreationException(beanName, "@RpcReference on " + where + ": the field must"
          + " be an instance field whose type is the service's interface, not "
          + (Modifier.isStatic(field.getModifiers()) ? "static" : field.getType().getName()));
    }
    RpcClient c = client.getIfAvailable();
    if (c == null) {
      throw new BeanCreationException(beanName, "@RpcReference on " + where + " needs a minirpc"
          + " client, and there is none: set minirpc.address (host:port of the server) in the"
          + " application's properties");
    }
    ReflectionUtils.makeAccessible(field);
    ReflectionUtils.setField(field, bean, c.proxy(field.getType()));
  }
}
