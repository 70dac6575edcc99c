package dev.strata.internal.context;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.DatabaseMetaData;
import java.sql.ParameterMetaData;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Struct;
import java.util.List;

/**
 * Wraps the JDBC objects a tenant connection hands out that the driver would otherwise let lead
 * back to the physical connection: result sets (also those of metadata calls, generated keys and
 * {@code Array.getResultSet()}), database and result set metadata, parameter metadata, arrays,
 * refs and structs (result sets by {@link MembraneResultSet}, the others by dynamic proxies). Through a
 * wrapped object
 * <ul>
 *   <li>{@code getConnection()} answers the tenant connection and {@code getStatement()} the
 *       tenant statement that made it (or null, as JDBC allows for result sets of metadata calls);</li>
 *   <li>every JDBC object it returns is wrapped in turn;</li>
 *   <li>{@code unwrap} refuses every driver type, {@code isWrapperFor} admits none;</li>
 *   <li>nothing works once the tenant transaction's callback has ended.</li>
 * </ul>
 * Calls that may query the server (metadata, type lookups) first put the context in force, so
 * they never open a transaction without it. Not thread-safe, like the connection it belongs to.
 */
final class JdbcMembrane implements InvocationHandler {
    private static final List<Class<?>> WRAPPED = List.of(DatabaseMetaData.class,
            ResultSetMetaData.class, ParameterMetaData.class, Array.class, Ref.class, Struct.class);

    private final ContextConnection owner;
    private final Object target;

    private JdbcMembrane(ContextConnection owner, Object target) {
        this.owner = owner;
        this.target = target;
    }

    /** A result set whose {@code getStatement()} answers the given tenant statement (null for none). */
    static ResultSet resultSet(ContextConnection owner, ResultSet rs, Statement statement) {
        return rs == null ? null : new MembraneResultSet(owner, rs, statement);
    }

    static DatabaseMetaData metaData(ContextConnection owner, DatabaseMetaData md) {
        return (DatabaseMetaData) wrap(owner, md, DatabaseMetaData.class);
    }

    static ResultSetMetaData resultSetMetaData(ContextConnection owner, ResultSetMetaData md) {
        return md == null ? null : (ResultSetMetaData) wrap(owner, md, ResultSetMetaData.class);
    }

    static ParameterMetaData parameterMetaData(ContextConnection owner, ParameterMetaData md) {
        return md == null ? null : (ParameterMetaData) wrap(owner, md, ParameterMetaData.class);
    }

    static Array array(ContextConnection owner, Array array) {
        return array == null ? null : (Array) wrap(owner, array, Array.class);
    }

    /** Wraps any JDBC object of the membrane's interfaces; other values pass unchanged. */
    static Object any(ContextConnection owner, Object value, Statement statement) {
        if (value == null || value instanceof MembraneResultSet
                || Proxy.isProxyClass(value.getClass()) && Proxy.getInvocationHandler(value) instanceof JdbcMembrane) {
            return value;
        }
        if (value instanceof ResultSet rs) {
            return new MembraneResultSet(owner, rs, statement);
        }
        for (Class<?> type : WRAPPED) {
            if (type.isInstance(value)) {
                return wrap(owner, value, type);
            }
        }
        return value;
    }

    /** The proxy constructors, made once per interface: result sets are wrapped on the hot path. */
    private static final ClassValue<Constructor<?>> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
            Object sample = Proxy.newProxyInstance(JdbcMembrane.class.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> null);
            try {
                return sample.getClass().getConstructor(InvocationHandler.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    private static Object wrap(ContextConnection owner, Object target, Class<?> type) {
        try {
            return CONSTRUCTORS.get(type).newInstance(new JdbcMembrane(owner, target));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot wrap a " + type.getSimpleName(), e);
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        int arity = method.getParameterCount();
        switch (name) {
            case "unwrap" -> {
                Class<?> iface = (Class<?>) args[0];
                if (iface.isInstance(proxy)) {
                    return proxy;
                }
                throw ContextConnection.refusedUnwrap(iface);
            }
            case "isWrapperFor" -> {
                return ((Class<?>) args[0]).isInstance(proxy);
            }
            case "equals" -> {
                return arity == 1 && proxy == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "toString" -> {
                return target.toString(); // the driver binds foreign java.sql.Array values by their text
            }
            case "close", "isClosed", "free" -> {
                return forward(method, args);
            }
            default -> {
            }
        }
        owner.checkOpen();
        if (arity == 0 && name.equals("getConnection")) {
            return owner;
        }
        // Metadata, arrays and type conversions may query the catalogs: never outside the context.
        owner.ensureContext();
        Object result = forward(method, args);
        if (result == null || result instanceof String || result instanceof Number || result instanceof Boolean) {
            return result;
        }
        return any(owner, result, null);
    }

    private Object forward(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
