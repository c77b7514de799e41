/**
 * A minimal subscription record, kept in process state: enough to show the orchestrator-core
 * lifecycle (initial → provisioning → active) without a product database.
 */
import { ActionStep, JsonObject, ProcessFailureError, State, step } from 'baton-orchestrator';

export type SubscriptionLifecycle = 'initial' | 'provisioning' | 'active' | 'terminated';

export interface SubscriptionRecord {
  subscription_id: string;
  product: { name: string; tag: string };
  status: SubscriptionLifecycle;
  description: string;
}

export const subscriptionOf = (state: State): SubscriptionRecord => {
  const subscription = state.subscription as SubscriptionRecord | undefined;
  if (!subscription)
    throw new ProcessFailureError('No subscription in state; construct the model first');
  return subscription;
};

const withStatus = (state: State, status: SubscriptionLifecycle): JsonObject => ({
  subscription: { ...subscriptionOf(state), status },
});

/** Links the subscription to this process, as orchestrator-core does before provisioning. */
export const storeProcessSubscription = (target: 'CREATE' | 'MODIFY' | 'TERMINATE'): ActionStep =>
  step('Store process subscription', (state) => ({
    ...withStatus(state, 'provisioning'),
    process_subscription: { subscription_id: subscriptionOf(state).subscription_id, target },
  }));

export const setStatus = (status: SubscriptionLifecycle): ActionStep =>
  step(`Set subscription status to ${status}`, (state) => withStatus(state, status));
