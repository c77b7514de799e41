/**
 * The seed workflow on Restate: a workflow keyed by process id, awakeables for the callback and
 * the confirmation, and shared handlers for polling (status) and confirming. The remote runner
 * calls back straight into Restate's ingress (`/restate/awakeables/{id}/resolve`).
 */
import './promise-with-resolvers';
import * as restate from '@restatedev/restate-sdk';
import * as l2vpn from './l2vpn-steps';

const port = Number(process.env.PORT);
const lsoUrl = process.env.LSO_URL as string;
const ingressUrl = process.env.RESTATE_INGRESS_URL as string;

const workflow = restate.workflow({
  name: 'l2vpn',
  handlers: {
    run: async (ctx: restate.WorkflowContext, input: l2vpn.L2vpnInput): Promise<string> => {
      ctx.set('status', 'running');
      const model = await ctx.run('Construct L2VPN model', () => l2vpn.constructModel(input));
      const stored = await ctx.run('Store process subscription', () =>
        l2vpn.withStatus(model, 'provisioning'),
      );
      const callback = ctx.awakeable<l2vpn.LsoCallback>();
      ctx.set('status', 'awaiting_callback');
      await ctx.run('Execute an ansible playbook', () =>
        l2vpn.requestPlaybook(
          lsoUrl,
          input,
          ctx.key,
          `${ingressUrl}/restate/awakeables/${callback.id}/resolve`,
        ),
      );
      const result = await callback.promise;
      await ctx.run('Evaluate callback result', () => l2vpn.validateCallback(result));
      const confirmation = ctx.awakeable<object>();
      ctx.set('confirmation', confirmation.id);
      ctx.set('status', 'suspended');
      await confirmation.promise;
      await ctx.run('Set status active', () => l2vpn.withStatus(stored, 'active'));
      ctx.set('status', 'completed');
      return 'completed';
    },
    status: async (ctx: restate.WorkflowSharedContext): Promise<string | null> =>
      ctx.get<string>('status'),
    confirm: async (ctx: restate.WorkflowSharedContext, input: object): Promise<void> => {
      const id = await ctx.get<string>('confirmation');
      if (id === null)
        throw new restate.TerminalError('not awaiting confirmation', { errorCode: 409 });
      ctx.resolveAwakeable(id, input ?? {});
    },
  },
});

restate.serve({ services: [workflow], port });
