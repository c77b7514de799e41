import React from 'react';

import { useRouter } from 'next/router';

import { WfoProcessDetailPage } from '@orchestrator-ui/orchestrator-ui-components';

/** One process: its steps, its pending form, retry and abort. */
export default function ProcessDetail() {
  const { workflowId } = useRouter().query;
  if (typeof workflowId !== 'string') return <p>No process id in the address.</p>;
  return <WfoProcessDetailPage processId={workflowId} />;
}
