// Alerting tools' webhook payloads in the shapes their documentation gives: Prometheus Alertmanager's
// webhook_config (version 4) and Grafana alerting's webhook contact point. Several alerts per payload.

interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

const ZERO = '0001-01-01T00:00:00Z';

/** Alertmanager's group notification (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export function alertmanagerPayload(status: 'firing' | 'resolved', alerts: AmAlert[], extra: Record<string, unknown> = {}) {
  const common = Object.fromEntries(
    Object.entries(alerts[0]?.labels ?? {}).filter(([k, v]) => alerts.every((a) => a.labels[k] === v)),
  );
  return {
    receiver: 'herald',
    status,
    alerts,
    groupLabels: { alertname: common.alertname ?? 'group' },
    commonLabels: common,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.org:9093',
    version: '4',
    groupKey: `{}/{severity="${common.severity ?? ''}"}:{alertname="${common.alertname ?? ''}"}`,
    truncatedAlerts: 0,
    ...extra,
  };
}

/** Two checkout alerts from Prometheus: probe failures on two instances (nanosecond start times, as Alertmanager writes them). */
export function checkoutAlerts(status: 'firing' | 'resolved'): AmAlert[] {
  const end = status === 'resolved' ? '2026-01-01T12:20:00.123456789Z' : ZERO;
  return [
    {
      status,
      labels: { alertname: 'ProbeFailure', instance: 'https://shop.example.org/checkout', job: 'http_checks', severity: 'critical', service: 'checkout' },
      annotations: { summary: 'Checkout probe failing', description: 'Instance https://shop.example.org/checkout has been down for over 5m.' },
      startsAt: '2026-01-01T11:55:45.828123456Z',
      endsAt: end,
      generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1',
      fingerprint: '1a30ba71cca2921f',
    },
    {
      status,
      labels: { alertname: 'HighErrorRate', instance: 'api-1:9100', job: 'api', severity: 'warning', component: 'API' },
      annotations: { summary: 'API 5xx rate above 5%', description: 'The API answers 5xx to 7% of requests.' },
      startsAt: '2026-01-01T11:58:00.000000001+01:00',
      endsAt: end,
      generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=rate(http_5xx[5m])',
      fingerprint: '7b2c9e1d4f6a8b03',
    },
  ];
}

/** Grafana alerting's webhook contact point payload (its documentation's example, with our labels). */
export function grafanaPayload(status: 'firing' | 'resolved') {
  const end = status === 'resolved' ? '2026-01-01T12:30:00Z' : ZERO;
  return {
    receiver: 'Herald',
    status,
    orgId: 1,
    alerts: [
      {
        status,
        labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1', priority: 'high' },
        annotations: { description: 'The system has high memory usage', runbook_url: 'https://myrunbook.com/runbook/1234', summary: 'This alert was triggered for zone us-1' },
        startsAt: '2026-01-01T10:51:03.157076+02:00',
        endsAt: end,
        generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
        fingerprint: 'c6eadffa33fcdf37',
        silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
        dashboardURL: '',
        panelURL: '',
        values: { B: 44.23943737541908, C: 1 },
        valueString: "[ var='B' labels={} value=44.23943737541908 ], [ var='C' labels={} value=1 ]",
      },
      {
        status,
        labels: { alertname: 'High CPU usage', team: 'blue', zone: 'eu-1' },
        annotations: { description: 'The system has high CPU usage', runbook_url: 'https://myrunbook.com/runbook/1234', summary: 'This alert was triggered for zone eu-1' },
        startsAt: '2026-01-01T10:56:03.157076+02:00',
        endsAt: end,
        generatorURL: 'https://play.grafana.org/alerting/d1rdpdv7k/edit',
        fingerprint: 'bc97ff14869b13e3',
        silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1',
        dashboardURL: '',
        panelURL: '',
        values: { B: 44.23943737541908, C: 1 },
        valueString: "[ var='B' labels={} value=44.23943737541908 ], [ var='C' labels={} value=1 ]",
      },
    ],
    groupLabels: {},
    commonLabels: { team: 'blue' },
    commonAnnotations: {},
    externalURL: 'https://play.grafana.org/',
    version: '1',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    title: `[${status.toUpperCase()}:2]  (blue)`,
    state: status === 'firing' ? 'alerting' : 'ok',
    message: `**${status === 'firing' ? 'Firing' : 'Resolved'}**\n\nValue: B=44.23943737541908, C=1\nLabels:\n - alertname = High memory usage\n - team = blue\n - zone = us-1\n`,
  };
}
