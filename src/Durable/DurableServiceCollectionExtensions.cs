using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace UrgeShipment.Durable;

public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DurableRuntime{TState,TCommand,TEvent}"/> (singleton) for <typeparamref name="TDecider"/>,
    /// its <see cref="DurableOptions"/>, and, when <see cref="DurableOptions.RunListeners"/>, the timer and activity
    /// listeners and the deadline sweeper as hosted services. Uses the <see cref="TimeProvider"/>,
    /// <see cref="IActivityHandler"/>s and <see cref="IProjection{TState}"/>s registered in DI.
    /// </summary>
    public static IServiceCollection AddDurableRuntime<TState, TCommand, TEvent, TDecider>(this IServiceCollection services, Action<DurableOptions> configure)
        where TState : notnull
        where TCommand : notnull
        where TEvent : notnull
        where TDecider : class, IDurableDecider<TState, TCommand, TEvent>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new DurableOptions();
        configure(options);
        options.Validate();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TDecider>();
        services.AddSingleton(options);
        // The counter stands alone so the host's own storage clients (projections) can count into it without
        // depending on the runtime, which depends on those projections.
        services.AddSingleton(new StorageRequestCounter(options.HubName));
        services.AddSingleton(sp => new DurableRuntime<TState, TCommand, TEvent>(
            sp.GetRequiredService<TDecider>(),
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<IActivityHandler>(),
            sp.GetServices<IProjection<TState>>(),
            sp.GetService<ILogger<DurableRuntime<TState, TCommand, TEvent>>>(),
            sp.GetRequiredService<StorageRequestCounter>()));
        services.AddSingleton<TimerListener<TState, TCommand, TEvent>>();
        services.AddSingleton<ActivityListener<TState, TCommand, TEvent>>();
        services.AddSingleton<DeadlineSweeper<TState, TCommand, TEvent>>();
        if (options.RunListeners)
        {
            services.AddHostedService(sp => sp.GetRequiredService<TimerListener<TState, TCommand, TEvent>>());
            services.AddHostedService(sp => sp.GetRequiredService<ActivityListener<TState, TCommand, TEvent>>());
            services.AddHostedService(sp => sp.GetRequiredService<DeadlineSweeper<TState, TCommand, TEvent>>());
        }

        return services;
    }
}
