import { ProviderClientsPage } from './ProviderClientsPage';
import { ProviderConsentsPage } from './ProviderConsentsPage';

/** One chunk for both pages of Lms as an identity provider: the platform admin's systems, a person's connected apps. */
export default function ProviderPage({ admin = false }: { admin?: boolean }) {
  return admin ? <ProviderClientsPage /> : <ProviderConsentsPage />;
}
