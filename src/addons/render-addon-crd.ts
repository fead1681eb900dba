// Pure: the Addon CRD (k3s.cattle.io/v1, namespaced, as K3s and RKE2 have it)
// that records what each file of server/manifests applied. `kubectl get
// addons -A` shows the file, its checksum and the last error.

export function renderAddonCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'addons.k3s.cattle.io' },
    spec: {
      group: 'k3s.cattle.io',
      scope: 'Namespaced',
      names: { kind: 'Addon', plural: 'addons', singular: 'addon', listKind: 'AddonList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: 'Source', type: 'string', jsonPath: '.spec.source' },
            { name: 'Checksum', type: 'string', jsonPath: '.spec.checksum', priority: 1 },
            { name: 'Objects', type: 'integer', jsonPath: '.status.objectCount' },
            { name: 'Error', type: 'string', jsonPath: '.status.error' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { source: { type: 'string' }, checksum: { type: 'string' } } },
                status: {
                  type: 'object',
                  properties: {
                    objectCount: { type: 'integer' },
                    objects: {
                      type: 'array',
                      items: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } } },
                    },
                    error: { type: 'string' },
                    failures: { type: 'integer' },
                    lastAttempt: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}
